namespace OrthoScan.Api.Features.Auth;

/// <summary>
/// The patient app exchanges the invitation code for a session bound to this device: its refresh token only
/// works together with the same device id, which the app keeps behind the biometric/PIN lock.
/// </summary>
public static class ActivatePatient
{
    [Anonymous]
    public sealed record Command(string Code, string DeviceId) : ICommand<Response>, IAudited<Response>
    {
        public AuditRecord Audit(Response response) => new("patient", response.PatientId);
    }

    public sealed record Response(Guid PatientId, string AccessToken, string RefreshToken, int ExpiresIn);

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.Code).NotEmpty().MaximumLength(40);
            RuleFor(c => c.DeviceId).NotEmpty().MinimumLength(16).MaximumLength(200);
        }
    }

    public sealed class Handler(
        AppDbContext db, InvitationCodes codes, SessionIssuer sessions, TenantScope tenant, RateLimiter limiter, AuthOptions options, RequestContext context)
        : ICommandHandler<Command, Response>
    {
        public async ValueTask<Response> Handle(Command command, CancellationToken ct)
        {
            if (await limiter.HitAsync("activate", context.IpAddress ?? "unknown", options.ActivationsPerMinutePerIp, TimeSpan.FromMinutes(1)) is { } retry)
                throw new TooManyRequestsException(retry);
            var patientId = await codes.RedeemAsync(OneTimeCodePurpose.PatientInvitation, command.Code, ct)
                            ?? throw new RuleViolationException("invalid-invitation", "This code is wrong, used or expired.", "Ask your practice for a new code.");

            await tenant.EnterIdentityAsync(null, patientId, ct);
            var patient = await db.Patients.IgnoreQueryFilters().SingleAsync(p => p.Id == patientId, ct);
            if (patient.Status is PatientStatus.Archived or PatientStatus.Erased)
                throw new RuleViolationException("patient-archived", "This patient record is archived.", "Ask your practice for help.");
            await tenant.EnterPatientAsync(patient.PracticeId, patient.Id, ct);
            if (patient.Status == PatientStatus.Invited) patient.Status = PatientStatus.Active;
            await db.SaveChangesAsync(ct);

            var grant = await sessions.ForPatientAsync(patient, command.DeviceId, ct);
            return new Response(patient.Id, grant.AccessToken, grant.RefreshToken!, grant.ExpiresIn);
        }
    }

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapPost($"{Routes.V1}/auth/patient/activate", async (Command command, ISender sender, CancellationToken ct) => Results.Ok(await sender.Send(command, ct)))
                .WithTags("Auth").WithName("ActivatePatient").AllowAnonymous()
                .WithSummary("Activate the patient app")
                .WithDescription(
                    "The patient app exchanges the one-time code from the practice (POST /patients/{id}/invite) for a session bound " +
                    "to this device: its refresh token only works with the same `deviceId`, which the app keeps behind its " +
                    "biometric or PIN lock. 422 `invalid-invitation` when the code is wrong, used or expired, `patient-archived` " +
                    "for an archived patient; 429 past the attempts allowed per client.")
                .WithRequestExample(new Command("R4TN8WKQ2M", "ios-5f2c1a9e-3b7d-4c8e-a1f0-6d2b9e4c7a31"))
                .Produces<Response>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status422UnprocessableEntity)
                .ProducesProblem(StatusCodes.Status429TooManyRequests);
    }
}
