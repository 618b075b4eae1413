using System.Text.Json.Nodes;
using OrthoScan.Api.Tests.Infrastructure;
using OrthoScan.Api.Tests.Scans;

namespace OrthoScan.Api.Tests.BadInput;

public enum FuzzCaller { Anonymous, Owner, Doctor, Patient, Finance, PlatformAdmin }

/// <summary>Where one operation is sent in the fuzz world, as whom, and a body it accepts (when it takes one).</summary>
public sealed record FuzzTarget(string Path, FuzzCaller Caller, Func<JsonObject>? ValidBody = null);

/// <summary>One operation of the document; <see cref="Anonymous"/> when it declares that it needs no token.</summary>
public sealed record FuzzOperation(string Id, string Method, string Path, string Tag, JsonObject? BodySchema, List<JsonObject> Parameters, bool Anonymous);

/// <summary>The operations of the OpenAPI document and their targets in a <see cref="SchemaFuzzWorld"/>, shared by the fuzz suites.</summary>
public static class FuzzTargets
{
    public static readonly Guid UnknownId = new("0194b2a0-0000-7000-8000-0000000f0022");

    /// <summary>For each operation: who calls it, with which real ids, and a body it accepts.</summary>
    public static FuzzTarget TargetFor(this SchemaFuzzWorld world, string operationId, string pathTemplate)
    {
        string Path(string id) => pathTemplate.Replace("{id}", id, StringComparison.Ordinal);
        return operationId switch
        {
            "TagScanSession" => new(Path(world.ReadySessionId), FuzzCaller.Doctor, () => new JsonObject
            {
                ["taxonomyVersion"] = "2026.1", ["overallTracking"] = 1, ["alignerFit"] = 1, ["oralHygiene"] = 2,
                ["detailTags"] = new JsonArray(new JsonObject { ["code"] = "plaque", ["location"] = "11" }),
                ["action"] = "hold_aligner", ["holdDays"] = 3, ["notes"] = "Slight gap upper left.", ["reviewOpenedAt"] = DateTime.UtcNow.AddMinutes(-1),
            }),
            "CreateScanSession" => new(Path(""), FuzzCaller.Patient, () => new JsonObject
            {
                ["alignerNumber"] = 3, ["views"] = new JsonArray(ScanFlow.Views.Select(v => (JsonNode)v).ToArray()),
            }),
            "CreateScanUploadUrl" => new(Path(""), FuzzCaller.Patient, () => new JsonObject
            {
                ["sessionId"] = world.PendingSessionId, ["imageType"] = "frontal", ["contentType"] = "image/jpeg", ["contentLength"] = 123_456,
            }),
            "CreatePatient" => new(Path(""), FuzzCaller.Owner, () => new JsonObject
            {
                ["firstName"] = "Ada", ["lastName"] = "Lovelace", ["dateOfBirth"] = "1990-04-12", ["treatmentType"] = "clear_aligners",
                ["alignerBrand"] = "Invisalign", ["currentStage"] = 2, ["totalStages"] = 20, ["scanFrequency"] = "weekly",
                ["email"] = "ada@example.com", ["phone"] = "+14155550123", ["timezone"] = "Europe/Paris", ["preferredLanguage"] = "fr",
                ["researchConsent"] = true,
            }),
            "ErasePatient" => new(Path(world.ErasedPatientId), FuzzCaller.Owner, () => new JsonObject { ["confirmation"] = "ERASE" }),
            "UpdatePatient" => new(Path(world.EditedPatientId), FuzzCaller.Owner, () => new JsonObject
            {
                ["firstName"] = "Grace", ["currentStage"] = 3, ["totalStages"] = 20, ["status"] = "active", ["preferredLanguage"] = "de",
                ["researchConsent"] = true, ["treatmentStartDate"] = "2024-01-15",
            }),
            "UpdatePracticeSettings" => new(Path(""), FuzzCaller.Owner, () => new JsonObject
            {
                ["country"] = "GB", ["region"] = "England", ["timezone"] = "Europe/London", ["billingEmail"] = "billing.fuzz@example.com",
                ["shareDeidentifiedData"] = true, ["externalAiProcessing"] = false,
            }),
            "InviteStaff" => new(Path(""), FuzzCaller.Owner, () => new JsonObject { ["email"] = "invited.fuzz@example.com", ["name"] = "Fuzz Doctor", ["role"] = "doctor" }),
            "Register" => new(Path(""), FuzzCaller.Anonymous, () => new JsonObject
            {
                ["practiceName"] = "Second Fuzz Practice", ["practiceAddress"] = "1 Main Street", ["ownerName"] = "Dr. Fuzz",
                ["email"] = "second.fuzz.owner@example.com", ["password"] = TestApi.Password,
            }),
            "Login" => new(Path(""), FuzzCaller.Anonymous, () => new JsonObject { ["email"] = world.Owner.Email, ["password"] = world.Owner.Password }),
            "EnrollMfa" => new(Path(""), FuzzCaller.Anonymous, () => new JsonObject { ["mfaToken"] = world.EnrolMfaToken }),
            "VerifyMfa" => new(Path(""), FuzzCaller.Anonymous, () => new JsonObject
            {
                ["mfaToken"] = world.VerifyMfaToken, ["code"] = TestApi.TotpCode(world.VerifyTotpSecret),
            }),
            "AcceptInvitation" => new(Path(""), FuzzCaller.Anonymous, () => new JsonObject { ["code"] = world.StaffInvitationCode, ["password"] = TestApi.Password }),
            "ActivatePatient" => new(Path(""), FuzzCaller.Anonymous, () => new JsonObject { ["code"] = world.PatientActivationCode, ["deviceId"] = "fuzz-activated-device-0001" }),
            "RefreshSession" => new(Path(""), FuzzCaller.Anonymous, () => new JsonObject { ["refreshToken"] = world.RefreshToken, ["deviceId"] = world.RefreshDeviceId }),
            "ForgotPassword" => new(Path(""), FuzzCaller.Anonymous, () => new JsonObject { ["email"] = world.Owner.Email }),
            "ResetPassword" => new(Path(""), FuzzCaller.Anonymous, () => new JsonObject { ["token"] = world.PasswordResetToken, ["password"] = TestApi.Password }),
            "InvitePatient" => new(Path(world.EditedPatientId), FuzzCaller.Owner, () => new JsonObject { ["sendBy"] = "email" }),
            "RegisterPushDevice" => new(Path(""), FuzzCaller.Patient, () => new JsonObject { ["token"] = "fuzz-device-token:APA91b", ["platform"] = "android" }),
            "UpdateNotificationPreferences" => new(Path(""), FuzzCaller.Patient, () => new JsonObject
            {
                ["sms"] = true, ["email"] = false, ["quietHoursStart"] = "21:30:00", ["quietHoursEnd"] = "07:00:00",
            }),
            "UpdateMe" => new(Path(""), FuzzCaller.Patient, () => new JsonObject
            {
                ["preferredLanguage"] = "es", ["notifyBySms"] = true, ["notifyByEmail"] = false, ["quietHoursStart"] = "22:00:00", ["quietHoursEnd"] = "07:30:00",
            }),
            "SendMessage" => new(Path(""), FuzzCaller.Patient, () => new JsonObject { ["content"] = "The left aligner feels loose." }),
            "StartTagExport" => new(Path(""), FuzzCaller.PlatformAdmin, () => new JsonObject
            {
                ["includeImages"] = false, ["includeFrontal"] = false, ["seed"] = 1, ["k"] = 5,
            }),
            "DecideDiscount" => new(Path(world.ProposalId), FuzzCaller.Finance, () => new JsonObject
            {
                ["action"] = "adjust", ["percent"] = 7.5m, ["reason"] = "Tagged late in the month.",
            }),
            "ListPatientScanSessions" => new(Path(world.Patient.PatientId.ToString()), FuzzCaller.Owner),
            "SubmitScanSession" => new(Path(UnknownId.ToString()), FuzzCaller.Patient),
            "Logout" => new(Path(""), FuzzCaller.Owner),
            "StartCheckout" => new(Path(""), FuzzCaller.Owner, () => new JsonObject { ["plan"] = "professional" }),
            _ => new(Path(UnknownId.ToString()), FuzzCaller.Owner),
        };
    }

    public static List<FuzzOperation> Operations(JsonObject document) =>
    [
        .. from path in document["paths"]!.AsObject()
        from method in path.Value!.AsObject()
        let operation = method.Value!.AsObject()
        select new FuzzOperation(
            operation["operationId"]!.GetValue<string>(), method.Key.ToUpperInvariant(), path.Key, operation["tags"]![0]!.GetValue<string>(),
            operation["requestBody"]?["content"]?["application/json"]?["schema"]?.AsObject(),
            operation["parameters"]?.AsArray().Select(p => p!.AsObject()).ToList() ?? [],
            operation["security"] is JsonArray { Count: 0 }),
    ];

    /// <summary>The bearer token the world holds for <paramref name="caller"/>; null for an anonymous caller.</summary>
    public static string? TokenFor(this SchemaFuzzWorld world, FuzzCaller caller) => caller switch
    {
        FuzzCaller.Owner => world.Owner.AccessToken,
        FuzzCaller.Doctor => world.Doctor.AccessToken,
        FuzzCaller.Patient => world.Patient.AccessToken,
        FuzzCaller.Finance => world.FinanceToken,
        FuzzCaller.PlatformAdmin => world.PlatformAdminToken,
        _ => null,
    };
}
