using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using OrthoScan.Api.Infrastructure.Security;
using OrthoScan.Api.Tests.Billing;
using OrthoScan.Api.Tests.Contract;
using OrthoScan.Api.Tests.Infrastructure;
using OrthoScan.Api.Tests.Platform;
using OrthoScan.Api.Tests.Scans;
using Shouldly;

namespace OrthoScan.Api.Tests.BadInput;

/// <summary>
/// A host and database of their own for the schema fuzz, so that the database fingerprint sees only the fuzz's requests.
/// The host runs in the api role (no background worker changes rows while a fingerprint is compared); a worker host runs
/// only while the scan under review is processed. Every resource a route needs exists, so a body is validated rather
/// than refused by a 404 first: a ready scan to tag, a pending scan to upload to, a patient to edit, unused invitation
/// and activation codes, a device-bound refresh token and MFA tokens, a discount proposal for finance to decide.
/// </summary>
[SuppressMessage("Reliability", "CA1001", Justification = "xunit disposes it through IAsyncLifetime.DisposeAsync.")]
public sealed class SchemaFuzzWorld : IAsyncLifetime
{
    public ApiFactory Api { get; } = new();
    public JsonObject Document { get; private set; } = [];
    public Session Owner { get; private set; } = null!;
    public Session Doctor { get; private set; } = null!;
    public PatientApp Patient { get; private set; } = null!;
    public string ReadySessionId { get; private set; } = "";
    public string PendingSessionId { get; private set; } = "";
    public string EditedPatientId { get; private set; } = "";
    /// <summary>Erased by the erasure route's valid body (each fuzz run sends it once).</summary>
    public string ErasedPatientId { get; private set; } = "";
    public string StaffInvitationCode { get; private set; } = "";
    public string PatientActivationCode { get; private set; } = "";
    public string EnrolMfaToken { get; private set; } = "";
    public string VerifyMfaToken { get; private set; } = "";
    public string VerifyTotpSecret { get; private set; } = "";
    public string RefreshToken { get; private set; } = "";
    public string RefreshDeviceId { get; } = "fuzz-refresh-device-0001";
    public string ProposalId { get; private set; } = "";
    public string FinanceToken { get; private set; } = "";
    public string PlatformAdminToken { get; private set; } = "";
    /// <summary>A password-reset token of a staff member no other target uses (a reset signs them out everywhere).</summary>
    public string PasswordResetToken { get; } = "FUZZRESET" + Guid.NewGuid().ToString("N").ToUpperInvariant();
    public string PasswordResetEmail { get; private set; } = "";
    /// <summary>A second practice and one of its patients: their tokens are sent at the first practice's ids, and its id smuggled into bodies.</summary>
    public Session OtherOwner { get; private set; } = null!;
    public PatientApp OtherPatient { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Api.Settings["role"] = "api";
        await Api.InitializeAsync();
        Document = await Api.OpenApiDocumentAsync();

        Owner = await Api.RegisterPracticeAsync("Fuzz Practice");
        Doctor = await Api.AddMemberAsync(Owner, "doctor");
        Patient = await Api.PatientAppAsync(Owner, "Fuzzed");
        await using (var worker = Api.WithWebHostBuilder(b => b.UseSetting("role", "worker").UseSetting("OrthoScan:Jobs:PollInterval", "00:00:00.100")))
        {
            _ = worker.Server;
            var ready = await Api.SendScanAndWaitAsync(Patient);
            ready.Status.ShouldBe(ScanSessionStatus.Ready);
            ReadySessionId = ready.Id.ToString();
        }
        PendingSessionId = (await (await Api.CreateSessionAsync(Patient, Guid.NewGuid().ToString())).ShouldBeAsync<ScanSessionDto>(HttpStatusCode.Created)).Id.ToString();
        EditedPatientId = (await Api.AddPatientAsync(Owner, "Grace", "Hopper")).Id.ToString();
        ErasedPatientId = (await Api.AddPatientAsync(Owner, "Erin", "Erasable")).Id.ToString();

        PatientActivationCode = await InvitePatientAsync("Activated");
        var refreshed = await ActivateAsync(await InvitePatientAsync("Refreshed"), RefreshDeviceId);
        RefreshToken = refreshed.RefreshToken;

        StaffInvitationCode = await InviteStaffAsync();
        EnrolMfaToken = await AcceptAsync(await InviteStaffAsync());
        VerifyMfaToken = await AcceptAsync(await InviteStaffAsync());
        VerifyTotpSecret = (await (await Api.CreateClient().PostAsJsonAsync("/api/v1/auth/mfa/enroll", new { mfaToken = VerifyMfaToken }))
            .ShouldBeAsync<MfaEnrollmentDto>(HttpStatusCode.OK)).Secret;

        PasswordResetEmail = (await Api.AddMemberAsync(Owner, "staff")).Email;
        await using (var db = await Sql.OpenAsync(Api.OwnerConnectionString))
        {
            // As the emailed link would carry it; the fuzz host runs no worker to send the email.
            await db.ExecuteAsync("""
                INSERT INTO one_time_codes (id, code_hash, purpose, subject_id, created_at, expires_at)
                SELECT gen_random_uuid(), @hash, 'password_reset', id, now(), now() + interval '1 hour' FROM user_accounts WHERE email = @email
                """, ("hash", TokenService.HashOpaque(PasswordResetToken)), ("email", PasswordResetEmail));
        }

        ProposalId = (await Api.ProposalAsync(Owner.PracticeId, FinanceData.Month(2020, 1), received: 4, tagged: 3, percent: 10)).ToString();
        FinanceToken = Api.Services.GetRequiredService<TokenService>().CreateAccessToken(Guid.NewGuid(), OrthoScan.Api.Domain.Role.Finance, null, Guid.NewGuid());
        OtherOwner = await Api.RegisterPracticeAsync("Other Fuzz Practice");
        OtherPatient = await Api.PatientAppAsync(OtherOwner, "Elsewhere");
        PlatformAdminToken = Api.Services.GetRequiredService<TokenService>().CreateAccessToken(Guid.NewGuid(), OrthoScan.Api.Domain.Role.PlatformAdmin, null, Guid.NewGuid());
    }

    public Task DisposeAsync() => Api.DisposeAsync();

    public IEnumerable<Guid> Practices => [Owner.PracticeId];

    private async Task<string> InvitePatientAsync(string lastName)
    {
        var id = (await Api.AddPatientAsync(Owner, "Pat", lastName)).Id;
        return (await (await Api.As(Owner).PostAsJsonAsync($"/api/v1/patients/{id}/invite", new { })).ShouldBeAsync<PatientInvitationDto>(HttpStatusCode.OK)).Code;
    }

    private async Task<PatientActivationDto> ActivateAsync(string code, string deviceId) =>
        await (await Api.CreateClient().PostAsJsonAsync("/api/v1/auth/patient/activate", new { code, deviceId })).ShouldBeAsync<PatientActivationDto>(HttpStatusCode.OK);

    private async Task<string> InviteStaffAsync() =>
        (await (await Api.As(Owner).PostAsJsonAsync("/api/v1/practice/invitations", new { email = TestApi.UniqueEmail("staff"), name = "Fuzz Staff", role = "staff" }))
            .ShouldBeAsync<StaffInvitationDto>(HttpStatusCode.Created)).InvitationCode;

    private async Task<string> AcceptAsync(string code) =>
        (await (await Api.CreateClient().PostAsJsonAsync("/api/v1/auth/invitations/accept", new { code, password = TestApi.Password }))
            .ShouldBeAsync<MfaChallengeDto>(HttpStatusCode.OK)).MfaToken;
}
