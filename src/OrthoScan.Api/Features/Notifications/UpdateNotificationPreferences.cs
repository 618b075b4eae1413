namespace OrthoScan.Api.Features.Notifications;

/// <summary>The patient chooses how they hear from OrthoScan outside the app. Invitations and password resets are not affected.</summary>
public static class UpdateNotificationPreferences
{
    [RequiresRole(Role.Patient)]
    public sealed record Command(bool? Sms, bool? Email, TimeOnly? QuietHoursStart, TimeOnly? QuietHoursEnd)
        : ICommand<NotificationPreferences>, IAudited<NotificationPreferences>
    {
        public AuditRecord Audit(NotificationPreferences response) => new("patient", null);
    }

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.Sms).NotNull();
            RuleFor(c => c.Email).NotNull();
            RuleFor(c => c.QuietHoursStart).NotNull().Must(t => t is null || t.Value.Second == 0).WithMessage("Use whole minutes, e.g. 21:00.");
            RuleFor(c => c.QuietHoursEnd).NotNull().Must(t => t is null || t.Value.Second == 0).WithMessage("Use whole minutes, e.g. 08:00.");
        }
    }

    public sealed class Handler(AppDbContext db, RequestContext context) : ICommandHandler<Command, NotificationPreferences>
    {
        public async ValueTask<NotificationPreferences> Handle(Command command, CancellationToken ct)
        {
            var patient = await db.Patients.SingleAsync(p => p.Id == context.PatientId, ct);
            patient.NotifyBySms = command.Sms!.Value;
            patient.NotifyByEmail = command.Email!.Value;
            patient.QuietHoursStart = command.QuietHoursStart!.Value;
            patient.QuietHoursEnd = command.QuietHoursEnd!.Value;
            await db.SaveChangesAsync(ct);
            return await GetNotificationPreferences.ViewAsync(db, patient, ct);
        }
    }

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapPut($"{Routes.V1}/notifications/preferences", async (Command command, ISender sender, CancellationToken ct) =>
                    Results.Ok(await sender.Send(command, ct)))
                .WithTags("Notifications").WithName("UpdateNotificationPreferences").RequireAuthorization()
                .WithSummary("Change the patient's notification preferences")
                .WithDescription(
                    "Patients only, all four fields: `sms` and `email` (may reminders and notices use them), and the quiet hours " +
                    "(`quietHoursStart`, `quietHoursEnd`, local times like `21:00`; they may span midnight; equal times: none). " +
                    "Nothing automatic is sent in the quiet hours: it waits for their end. A number that texted STOP stays stopped.")
                .WithRequestExample(new Command(true, false, new TimeOnly(21, 0), new TimeOnly(8, 0)))
                .Produces<NotificationPreferences>().ProducesValidationProblem();
    }
}
