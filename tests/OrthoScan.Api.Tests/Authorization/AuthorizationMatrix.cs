using OrthoScan.Api.Tests.Infrastructure;
using OrthoScan.Api.Tests.Scans;

namespace OrthoScan.Api.Tests.Authorization;

/// <summary>Who sends a request: no token, or a token of one role (practice roles in practice A, platform roles in none).</summary>
public enum Caller { Anonymous, Patient, Staff, Doctor, Owner, Finance, PlatformAdmin }

/// <summary>
/// Whose ids a request carries. <see cref="Own"/>: the caller's practice (and, for a patient, their own records);
/// <see cref="OtherPractice"/>: practice B's; <see cref="OtherPatient"/>: another patient of the caller's practice (asked
/// of the patient role only); <see cref="Unknown"/>: an id nobody has. The last three must answer alike.
/// </summary>
public enum Scope { Own, OtherPractice, OtherPatient, Unknown }

/// <summary>What the matrix expects of one (operation, caller, scope).</summary>
public enum Expected
{
    /// <summary>Passed the identity and role checks: neither 401 nor 403, no 5xx (and, with own ids, not 404 either).</summary>
    Allowed,
    /// <summary>No token on a protected route.</summary>
    Denied401,
    /// <summary>A role the route does not admit.</summary>
    Forbidden403,
    /// <summary>An admitted role with ids that are not its to see: exactly like an id that does not exist.</summary>
    NotFound404,
}

/// <summary>The kind of id a route takes (in its path, or in its body for the two routes that name one there).</summary>
public enum IdKind
{
    None,
    /// <summary>A patient with an app session (messages, scans).</summary>
    Patient,
    /// <summary>A patient who is only edited or invited (so the app patient's code and sessions stay as they are).</summary>
    EditablePatient,
    /// <summary>A patient made for this one case: archive and erasure change what they touch for good.</summary>
    FreshPatient,
    /// <summary>A pending scan session of the patient.</summary>
    Session,
    /// <summary>The patient's message thread.</summary>
    Thread,
    /// <summary>A message the patient sent.</summary>
    Message,
    /// <summary>A dead background job of the practice.</summary>
    Job,
    /// <summary>A training-data export (platform-wide: no practice owns it).</summary>
    Export,
    /// <summary>A discount proposal made for this one case (a decision is final); platform-wide for finance.</summary>
    FreshProposal,
}

/// <summary>
/// One operation's rule: the roles it admits (or <see cref="Public"/>: no token needed), the id it takes, and a body the
/// route accepts. Validation runs before the role check in the pipeline (docs/architecture.md, "Mediator pipeline"), so a
/// denied role is only seen as 403 when the body is valid: every body here is one the route would accept.
/// </summary>
/// <param name="ThrowawayCaller">Each case calls with a token minted for it alone (logout revokes the token it is called with).</param>
public sealed record Rule(IReadOnlyList<Caller> Admits, IdKind Id = IdKind.None, Func<Guid, object>? Body = null, bool Public = false, bool ThrowawayCaller = false)
{
    public static Rule Anonymous(Func<Guid, object>? body = null) => new([], Public: true, Body: body);

    /// <summary>The two routes that name their resource in the body rather than the path.</summary>
    public bool BodyCarriesId { get; init; }

    public bool PracticeOwnsId => Id is not (IdKind.None or IdKind.Export or IdKind.FreshProposal);

    public IEnumerable<Scope> Scopes(Caller caller)
    {
        yield return Scope.Own;
        if (Id == IdKind.None) yield break;
        if (PracticeOwnsId) yield return Scope.OtherPractice;
        if (caller == Caller.Patient && Id is IdKind.Patient or IdKind.EditablePatient or IdKind.Session or IdKind.Thread or IdKind.Message)
            yield return Scope.OtherPatient;
        yield return Scope.Unknown;
    }

    public Expected Expect(Caller caller, Scope scope)
    {
        if (Public) return Expected.Allowed;
        if (caller == Caller.Anonymous) return Expected.Denied401;
        if (!Admits.Contains(caller)) return Expected.Forbidden403;
        return scope == Scope.Own ? Expected.Allowed : Expected.NotFound404;
    }
}

/// <summary>
/// THE authorization matrix: every operation of the OpenAPI document, by operationId, with the roles it admits. The
/// expectation of every (operation, caller, scope) is derived from this table alone (<see cref="Rule.Expect"/>), and
/// <c>AuthorizationMatrixTests.The_matrix_names_exactly_the_operations_of_the_document</c> fails for a route without an
/// entry or an entry without a route. Written from docs/architecture.md (route tables, Identity, Messaging, Data rights),
/// not copied from the code's [RequiresRole] attributes: where the two disagree, the test says so.
/// </summary>
public static class AuthorizationMatrix
{
    private static readonly Caller[] Clinical = [Caller.Owner, Caller.Doctor, Caller.Staff];
    private static readonly Caller[] OwnerOnly = [Caller.Owner];
    private static readonly Caller[] PatientOnly = [Caller.Patient];
    private static readonly Caller[] Conversation = [Caller.Owner, Caller.Doctor, Caller.Staff, Caller.Patient];
    private static readonly Caller[] Reviewers = [Caller.Owner, Caller.Doctor];
    private static readonly Caller[] PlatformAdmin = [Caller.PlatformAdmin];
    private static readonly Caller[] FinanceOnly = [Caller.Finance];
    private static readonly Caller[] Platform = [Caller.Finance, Caller.PlatformAdmin];
    private static readonly Caller[] Everyone = [Caller.Patient, Caller.Staff, Caller.Doctor, Caller.Owner, Caller.Finance, Caller.PlatformAdmin];

    public static readonly IReadOnlyDictionary<string, Rule> Rules = new Dictionary<string, Rule>(StringComparer.Ordinal)
    {
        // Auth: the sign-in steps are anonymous and guard themselves with rate limits; a bogus secret is a business 401.
        ["Register"] = Rule.Anonymous(_ => new
        {
            practiceName = "Matrix Signup", ownerName = "Dr. Matrix", email = TestApi.UniqueEmail("signup"), password = TestApi.Password,
        }),
        ["Login"] = Rule.Anonymous(_ => new { email = TestApi.UniqueEmail("nobody"), password = TestApi.Password }),
        ["EnrollMfa"] = Rule.Anonymous(_ => new { mfaToken = "not-an-mfa-token" }),
        ["VerifyMfa"] = Rule.Anonymous(_ => new { mfaToken = "not-an-mfa-token", code = "123456" }),
        ["AcceptInvitation"] = Rule.Anonymous(_ => new { code = "ABCDEFGHJK", password = TestApi.Password }),
        ["ActivatePatient"] = Rule.Anonymous(_ => new { code = "ABCDEFGHJK", deviceId = "matrix-device-0000000001" }),
        ["RefreshSession"] = Rule.Anonymous(_ => new { refreshToken = "not-a-refresh-token", deviceId = "matrix-device-0000000001" }),
        ["ForgotPassword"] = Rule.Anonymous(_ => new { email = TestApi.UniqueEmail("nobody") }),
        ["ResetPassword"] = Rule.Anonymous(_ => new { token = "NOTARESETTOKEN", password = TestApi.Password }),
        ["Logout"] = new(Everyone, ThrowawayCaller: true),
        ["InviteStaff"] = new(OwnerOnly, Body: _ => new { email = TestApi.UniqueEmail("invited"), name = "Matrix Staff", role = "staff" }),

        // Practice
        ["GetCurrentPractice"] = new(Clinical),
        ["ListMembers"] = new(Clinical),
        ["GetPracticeSettings"] = new(OwnerOnly),
        ["UpdatePracticeSettings"] = new(OwnerOnly, Body: _ => new
        {
            country = "GB", region = "England", timezone = "Europe/London", billingEmail = "billing.matrix@example.com",
            shareDeidentifiedData = false, externalAiProcessing = false,
        }),

        // Patients
        ["ListPatients"] = new(Clinical),
        ["CreatePatient"] = new(Clinical, Body: _ => TestApi.NewPatient("Ada", "Matrix")),
        ["GetPatient"] = new(Clinical, IdKind.Patient),
        ["UpdatePatient"] = new(Clinical, IdKind.EditablePatient, _ => new { firstName = "Grace", currentStage = 3, totalStages = 20 }),
        ["ArchivePatient"] = new(Clinical, IdKind.FreshPatient),
        ["InvitePatient"] = new(Clinical, IdKind.EditablePatient, _ => new { sendBy = "email" }),
        // Data rights: "Owner only (doctor, staff and patient 403; another practice's id 404)".
        ["ExportPatientRecord"] = new(OwnerOnly, IdKind.Patient),
        ["ErasePatient"] = new(OwnerOnly, IdKind.FreshPatient, _ => new { confirmation = "ERASE" }),
        ["ListPatientScanSessions"] = new(Clinical, IdKind.Patient),

        // Patient app: the patient alone, from the token.
        ["GetMe"] = new(PatientOnly),
        ["UpdateMe"] = new(PatientOnly, Body: _ => new { preferredLanguage = "es", notifyBySms = true }),
        ["ListMyScans"] = new(PatientOnly),
        ["GetNotificationPreferences"] = new(PatientOnly),
        ["UpdateNotificationPreferences"] = new(PatientOnly, Body: _ => new { sms = true, email = false, quietHoursStart = "21:30:00", quietHoursEnd = "07:00:00" }),
        ["RegisterPushDevice"] = new(PatientOnly, Body: _ => new { token = "matrix-device-token:APA91b", platform = "android" }),

        // Scans: the patient sends; the practice and the scan's own patient read.
        ["CreateScanSession"] = new(PatientOnly, Body: _ => new { alignerNumber = 4, views = ScanFlow.Views }),
        ["CreateScanUploadUrl"] = new(PatientOnly, IdKind.Session, id => new { sessionId = id, imageType = "frontal", contentType = "image/jpeg", contentLength = 123_456 })
        {
            BodyCarriesId = true,
        },
        ["GetScanSession"] = new([Caller.Patient, .. Clinical], IdKind.Session),
        ["SubmitScanSession"] = new(PatientOnly, IdKind.Session),

        // Tagging and dashboard
        ["GetTaxonomy"] = new(Clinical),
        ["TagScanSession"] = new(Reviewers, IdKind.Session, _ => new
        {
            taxonomyVersion = "2026.1", overallTracking = 1, alignerFit = 1, oralHygiene = 2, detailTags = Array.Empty<object>(),
            action = "approve_progression", notes = "Matrix.", reviewOpenedAt = DateTime.UtcNow.AddMinutes(-1),
        }),
        ["TagAnalytics"] = new(Reviewers),
        ["ReviewFeed"] = new(Clinical),
        ["Compliance"] = new(Clinical),
        ["DashboardAnalytics"] = new(Clinical),
        ["AiAcceptance"] = new(Reviewers),
        ["GetAiModel"] = new([.. Clinical, Caller.PlatformAdmin]),

        // Messaging: the practice, or the thread's own patient.
        ["ListMessageThreads"] = new(Conversation),
        ["GetMessageThread"] = new(Conversation, IdKind.Thread),
        ["MarkMessageRead"] = new(Conversation, IdKind.Message),
        ["SendMessage"] = new(Conversation, IdKind.Patient, id => new { patientId = id, content = "Matrix message." }) { BodyCarriesId = true },

        // Notifications: provider callbacks and the dev mailbox (on only where configured, as in these tests) are anonymous.
        ["ReceiveTwilioSms"] = Rule.Anonymous(),
        ["ListDevMailbox"] = Rule.Anonymous(),

        // Billing: the owner; Stripe's webhook is anonymous (signed).
        ["ListBillingPlans"] = new(OwnerOnly),
        ["GetSubscription"] = new(OwnerOnly),
        ["ListInvoices"] = new(OwnerOnly),
        ["StartCheckout"] = new(OwnerOnly, Body: _ => new { plan = "professional" }),
        ["OpenBillingPortal"] = new(OwnerOnly),
        ["ReceiveStripeWebhook"] = Rule.Anonymous(),

        // Audit: the owner reads the practice chain, the platform admin the platform chain.
        ["ListAuditEntries"] = new(OwnerOnly),
        ["VerifyAuditChain"] = new(OwnerOnly),
        ["ListPlatformAuditEntries"] = new(PlatformAdmin),
        ["VerifyPlatformAuditChain"] = new(PlatformAdmin),

        // Admin: dead jobs are the owner's; the platform console is finance's and the platform admin's.
        ["ListDeadJobs"] = new(OwnerOnly),
        ["RetryDeadJob"] = new(OwnerOnly, IdKind.Job),
        ["ListPractices"] = new(PlatformAdmin),
        ["ListTaggingRates"] = new(Platform),
        ["ForecastDiscounts"] = new(Platform),
        ["GetBillingOverview"] = new(Platform),
        ["DecideDiscount"] = new(FinanceOnly, IdKind.FreshProposal, _ => new { action = "reject", reason = "Matrix." }),

        // Training-data exports: the platform admin.
        ["ListTagExports"] = new(PlatformAdmin),
        ["GetTagExport"] = new(PlatformAdmin, IdKind.Export),
        ["StartTagExport"] = new(PlatformAdmin, Body: _ => new { includeImages = false, includeFrontal = false, seed = 1, k = 5 }),
    };
}
