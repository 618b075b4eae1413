namespace OrthoScan.Api.Features.Notifications;

/// <summary>
/// The patient app registers its push token (again at every start: tokens change). A token moves to the patient registering
/// it last; notices go to the patient's most recently seen device.
/// </summary>
public static class RegisterPushDevice
{
    [RequiresRole(Role.Patient)]
    public sealed record Command(string? Token, DevicePlatform? Platform) : ICommand<Unit>, IAudited<Unit>
    {
        public AuditRecord Audit(Unit response) => new("patient", null);
    }

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.Token).NotEmpty().MaximumLength(4096).Matches("^[A-Za-z0-9_:.-]+$").WithMessage("Send the FCM registration token as the app got it.");
            RuleFor(c => c.Platform).NotNull();
        }
    }

    public sealed class Handler(AppDbContext db, RequestContext context, TimeProvider clock) : ICommandHandler<Command, Unit>
    {
        public async ValueTask<Unit> Handle(Command command, CancellationToken ct)
        {
            var now = clock.UtcNow();
            var (practiceId, patientId) = (context.RequirePractice(), context.PatientId!.Value);
            var platform = command.Platform == DevicePlatform.Ios ? "ios" : "android";
            // One statement, so a phone registering twice at once (or passed from one patient to another) keeps one row.
            try
            {
                await db.Database.ExecuteSqlAsync($"""
                    INSERT INTO push_devices (id, practice_id, patient_id, token, platform, created_at, last_seen_at)
                    VALUES ({Guid.CreateVersion7()}, {practiceId}, {patientId}, {command.Token}, {platform}, {now}, {now})
                    ON CONFLICT (token) DO UPDATE SET patient_id = excluded.patient_id, platform = excluded.platform, last_seen_at = excluded.last_seen_at
                    """, ct);
            }
            catch (Npgsql.PostgresException e) when (e.SqlState == Npgsql.PostgresErrorCodes.InsufficientPrivilege)
            {
                // Row-level security hides the token's row: a patient of another practice registered this phone.
                throw new ConflictException("device-registered-elsewhere", "This phone is registered to another practice's patient.",
                    "Sign out of OrthoScan on this phone in the other account first.");
            }
            return Unit.Value;
        }
    }

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapPost($"{Routes.V1}/notifications/devices", async (Command command, ISender sender, CancellationToken ct) =>
                {
                    await sender.Send(command, ct);
                    return Results.NoContent();
                })
                .WithTags("Notifications").WithName("RegisterPushDevice").RequireAuthorization()
                .WithSummary("Register the app's push token")
                .WithDescription(
                    "Patients only: the FCM registration token of this phone and its platform (`ios`, `android`). Send it at every " +
                    "start; the most recently registered device gets the push notices (new messages, scan reminders), before SMS " +
                    "and email. Push texts say only that there is something to see, never its content. 409 `device-registered-elsewhere` " +
                    "when the token belongs to a patient of another practice.")
                .WithRequestExample(new Command("fcm-token-from-the-app:APA91bH", DevicePlatform.Ios))
                .Produces(StatusCodes.Status204NoContent).ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);
    }
}
