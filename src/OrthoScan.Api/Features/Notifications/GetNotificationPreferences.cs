using OrthoScan.Api.Infrastructure.Notifications;

namespace OrthoScan.Api.Features.Notifications;

/// <param name="Sms">Reminders and notices may come by SMS (to the phone number on the record).</param>
/// <param name="Email">... and by email; SMS is tried first.</param>
/// <param name="QuietHoursStart">Local time (the patient's timezone) from which nothing automatic is sent...</param>
/// <param name="QuietHoursEnd">... until this time; equal to the start: no quiet hours.</param>
/// <param name="SmsStopped">The phone number texted STOP: no SMS reaches it until it texts START.</param>
public sealed record NotificationPreferences(bool Sms, bool Email, TimeOnly QuietHoursStart, TimeOnly QuietHoursEnd, bool SmsStopped);

/// <summary>How the patient hears from OrthoScan outside the app: channels and quiet hours.</summary>
public static class GetNotificationPreferences
{
    [RequiresRole(Role.Patient)]
    public sealed record Query : IQuery<NotificationPreferences>, IAudited<NotificationPreferences>
    {
        public AuditRecord Audit(NotificationPreferences response) => new("patient", null);
    }

    public sealed class Handler(AppDbContext db, RequestContext context) : IQueryHandler<Query, NotificationPreferences>
    {
        public async ValueTask<NotificationPreferences> Handle(Query query, CancellationToken ct) =>
            await ViewAsync(db, await db.Patients.AsNoTracking().SingleAsync(p => p.Id == context.PatientId, ct), ct);
    }

    public static async Task<NotificationPreferences> ViewAsync(AppDbContext db, Patient patient, CancellationToken ct)
    {
        var stopped = await PatientNotices.SmsStoppedAsync(db, patient.Phone, ct);
        return new NotificationPreferences(patient.NotifyBySms, patient.NotifyByEmail, patient.QuietHoursStart, patient.QuietHoursEnd, stopped);
    }

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapGet($"{Routes.V1}/notifications/preferences", async (ISender sender, CancellationToken ct) => Results.Ok(await sender.Send(new Query(), ct)))
                .WithTags("Notifications").WithName("GetNotificationPreferences").RequireAuthorization()
                .WithSummary("The patient's notification preferences")
                .WithDescription("Patients only: whether reminders and notices may come by SMS and by email, the quiet hours in their timezone, and whether their number texted STOP.")
                .Produces<NotificationPreferences>();
    }
}
