using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using OrthoScan.Api.Infrastructure.Security;
using OrthoScan.Api.Tests.Billing;
using OrthoScan.Api.Tests.Contract;
using OrthoScan.Api.Tests.Infrastructure;
using OrthoScan.Api.Tests.Messaging;
using OrthoScan.Api.Tests.Platform;
using OrthoScan.Api.Tests.Scans;
using DomainRole = OrthoScan.Api.Domain.Role;

namespace OrthoScan.Api.Tests.Authorization;

/// <summary>The ids of one practice's (or one patient's) resources that the routes take.</summary>
public sealed record PracticeIds(Session Owner, Guid Patient, Guid EditablePatient, Guid Session, Guid Thread, Guid Message, Guid Job);

/// <summary>
/// A host and database of their own, in the api role (no worker changes a row while the matrix runs), with two practices.
/// Practice A has an owner, a doctor, a staff member and two patients with app sessions (the first is "the patient"
/// caller, the second the other patient of the same practice); practice B has an owner and a patient with an app session.
/// Each has an edited patient, a pending scan session, a message thread with a message from the patient, and a dead job.
/// Finance and the platform admin belong to no practice; an export exists for the admin to read.
/// </summary>
[SuppressMessage("Reliability", "CA1001", Justification = "xunit disposes it through IAsyncLifetime.DisposeAsync.")]
public sealed class AuthorizationWorld : IAsyncLifetime
{
    public ApiFactory Api { get; } = new();
    public JsonObject Document { get; private set; } = [];
    public Session Doctor { get; private set; } = null!;
    public Session Staff { get; private set; } = null!;
    public PatientApp Patient { get; private set; } = null!;
    public PracticeIds A { get; private set; } = null!;
    public PracticeIds SiblingOfPatient { get; private set; } = null!;
    public PracticeIds B { get; private set; } = null!;
    public string FinanceToken { get; private set; } = "";
    public string PlatformAdminToken { get; private set; } = "";
    public Guid ExportId { get; private set; }

    /// <summary>The account (or, for the patient, patient) id each caller's tokens name, for tokens minted per case.</summary>
    public Dictionary<Caller, Guid> Subjects { get; } = [];

    private readonly Dictionary<Caller, HttpClient> _clients = [];
    private int _proposals;

    public async Task InitializeAsync()
    {
        Api.Settings["role"] = "api";
        await Api.InitializeAsync();
        Document = await Api.OpenApiDocumentAsync();

        var ownerA = await Api.RegisterPracticeAsync("Matrix Practice A");
        Doctor = await Api.AddMemberAsync(ownerA, "doctor");
        Staff = await Api.AddMemberAsync(ownerA, "staff");
        Patient = await Api.PatientAppAsync(ownerA, "Alpha");
        var sibling = await Api.PatientAppAsync(ownerA, "Sibling");
        var ownerB = await Api.RegisterPracticeAsync("Matrix Practice B");
        var patientB = await Api.PatientAppAsync(ownerB, "Bravo");

        A = await IdsAsync(ownerA, Patient);
        SiblingOfPatient = await IdsAsync(ownerA, sibling);
        B = await IdsAsync(ownerB, patientB);

        var tokens = Api.Services.GetRequiredService<TokenService>();
        FinanceToken = tokens.CreateAccessToken(Guid.NewGuid(), DomainRole.Finance, null, Guid.NewGuid());
        PlatformAdminToken = tokens.CreateAccessToken(Guid.NewGuid(), DomainRole.PlatformAdmin, null, Guid.NewGuid());

        using (var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/tags/export")
               {
                   Content = JsonContent.Create(new { includeImages = false, includeFrontal = false, seed = 1, k = 5 }),
               })
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", PlatformAdminToken);
            request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
            ExportId = (await (await Api.CreateClient().SendAsync(request)).ShouldBeAsync<ExportViewDto>(HttpStatusCode.Created)).Id;
        }

        Subjects[Caller.Owner] = ownerA.UserId;
        Subjects[Caller.Doctor] = await UserIdAsync(Doctor.Email);
        Subjects[Caller.Staff] = await UserIdAsync(Staff.Email);
        Subjects[Caller.Patient] = Patient.PatientId;
        Subjects[Caller.Finance] = Guid.NewGuid();
        Subjects[Caller.PlatformAdmin] = Guid.NewGuid();
    }

    public async Task DisposeAsync()
    {
        foreach (var client in _clients.Values) client.Dispose();
        await Api.DisposeAsync();
    }

    /// <summary>One client per caller, with the caller's token (none for the anonymous caller).</summary>
    public HttpClient Client(Caller caller)
    {
        if (_clients.TryGetValue(caller, out var client)) return client;
        return _clients[caller] = Api.As(Token(caller));
    }

    private string? Token(Caller caller) => caller switch
    {
        Caller.Owner => A.Owner.AccessToken,
        Caller.Doctor => Doctor.AccessToken,
        Caller.Staff => Staff.AccessToken,
        Caller.Patient => Patient.AccessToken,
        Caller.Finance => FinanceToken,
        Caller.PlatformAdmin => PlatformAdminToken,
        _ => null,
    };

    /// <summary>A token of the caller's role and subject in a sign-in of its own, for a route that revokes the token it is called with.</summary>
    public string? ThrowawayToken(Caller caller)
    {
        if (caller == Caller.Anonymous) return null;
        var role = caller switch
        {
            Caller.Owner => DomainRole.Owner,
            Caller.Doctor => DomainRole.Doctor,
            Caller.Staff => DomainRole.Staff,
            Caller.Patient => DomainRole.Patient,
            Caller.Finance => DomainRole.Finance,
            _ => DomainRole.PlatformAdmin,
        };
        var practice = caller is Caller.Finance or Caller.PlatformAdmin ? (Guid?)null : A.Owner.PracticeId;
        return Api.Services.GetRequiredService<TokenService>().CreateAccessToken(Subjects[caller], role, practice, Guid.NewGuid());
    }

    /// <summary>The id of <paramref name="kind"/> in <paramref name="scope"/>, made now for the kinds a case uses up.</summary>
    public async Task<Guid> IdAsync(IdKind kind, Scope scope)
    {
        if (scope == Scope.Unknown) return Guid.NewGuid();
        var ids = scope switch { Scope.OtherPractice => B, Scope.OtherPatient => SiblingOfPatient, _ => A };
        return kind switch
        {
            IdKind.None => Guid.Empty,
            IdKind.Patient => ids.Patient,
            IdKind.EditablePatient => ids.EditablePatient,
            IdKind.FreshPatient => (await Api.AddPatientAsync(ids.Owner, "Fresh", "Target")).Id,
            IdKind.Session => ids.Session,
            IdKind.Thread => ids.Thread,
            IdKind.Message => ids.Message,
            IdKind.Job => ids.Job,
            IdKind.Export => ExportId,
            IdKind.FreshProposal => await Api.ProposalAsync(A.Owner.PracticeId, FinanceData.Month(2001 + _proposals / 12, 1 + _proposals++ % 12), received: 4, tagged: 3, percent: 10),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
    }

    private async Task<PracticeIds> IdsAsync(Session owner, PatientApp patient)
    {
        var editable = (await Api.AddPatientAsync(owner, "Grace", "Editable")).Id;
        var session = (await (await Api.CreateSessionAsync(patient, Guid.NewGuid().ToString("N"))).ShouldBeAsync<ScanSessionDto>(HttpStatusCode.Created)).Id;
        var message = await Api.WriteAsync(patient.AccessToken, null, "Matrix hello.");
        return new PracticeIds(owner, patient.PatientId, editable, session, message.ThreadId, message.Id, await DeadJobAsync(owner.PracticeId));
    }

    /// <summary>A processing job of the practice, dead as a worker would leave it after its last failed attempt.</summary>
    private async Task<Guid> DeadJobAsync(Guid practiceId)
    {
        var id = Guid.CreateVersion7();
        var payload = JsonSerializer.Serialize(new OrthoScan.Api.Features.Scans.ProcessSession.Command(practiceId, Guid.NewGuid()), TestApi.Json);
        await using var db = await Sql.OpenAsync(Api.OwnerConnectionString);
        await db.ExecuteAsync("""
            INSERT INTO jobs (id, kind, payload, status, attempts, max_attempts, run_after, created_at, completed_at, dead_reason)
            VALUES (@id, @kind, @payload::jsonb, 'dead', 5, 5, now(), now(), now(), 'failed')
            """, ("id", id), ("kind", OrthoScan.Api.Features.Scans.ProcessSession.Kind), ("payload", payload));
        return id;
    }

    private async Task<Guid> UserIdAsync(string email)
    {
        await using var db = await Sql.OpenAsync(Api.OwnerConnectionString);
        return await db.ScalarAsync<Guid>("SELECT id FROM user_accounts WHERE email = @email", ("email", email));
    }
}
