using Microsoft.Extensions.Options;
using OrthoScan.Api.Infrastructure.Audit;
using OrthoScan.Api.Infrastructure.Jobs;
using OrthoScan.Api.Infrastructure.Notifications;

namespace OrthoScan.Api.Features.Notifications;

/// <summary>
/// Recurring (<see cref="JobScheduler"/>): reminds active patients whose next scan came due. A scan is due one scan interval
/// after the last one sent (or after enrolment), as compliance counts it; the first reminder goes at that time and the
/// second <see cref="NotificationsOptions.SecondReminderAfter"/> later if no scan came, both moved out of the patient's
/// quiet hours in their timezone. Paused, completed and archived patients get none; a reminder that was not sent while it
/// was current is not sent late. Once per due date and number with any number of workers and ticks: the reminder's dedupe
/// key (patient, due date, number) is checked under a lock in the transaction that queues it.
/// </summary>
public static class SendScanReminders
{
    public const string Kind = "notifications.scan-reminders";
    public const string Schedule = "notifications-scan-reminders";

    /// <param name="Period">The scheduler's tick: the moment reminders are due by.</param>
    [JobKind(Kind), Schedule(Schedule, nameof(JobsOptions.ScanRemindersEvery))]
    public sealed record Command(DateTime Period) : ICommand, IJobCommand;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator() => RuleFor(c => c.Period).Must(p => p.Kind == DateTimeKind.Utc && p.Year >= 2000).WithMessage("A UTC instant is required.");
    }

    /// <summary>When the reminders for one due date go: both already out of quiet hours.</summary>
    public sealed record Plan(DateOnly DueOn, DateTime First, DateTime Second);

    public static Plan PlanFor(DateTime lastScanOrEnrolment, ScanFrequency frequency, TimeZoneInfo zone, TimeOnly quietStart, TimeOnly quietEnd, TimeSpan secondAfter)
    {
        var due = lastScanOrEnrolment.AddDays(frequency.IntervalDays());
        var dueOn = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(due, DateTimeKind.Utc), zone));
        return new Plan(dueOn, QuietHours.NextAllowed(due, zone, quietStart, quietEnd), QuietHours.NextAllowed(due + secondAfter, zone, quietStart, quietEnd));
    }

    public sealed class Handler(PracticeSweep sweep, IOptions<NotificationsOptions> options, ILogger<Handler> logger)
        : ICommandHandler<Command>
    {
        public async ValueTask<Unit> Handle(Command command, CancellationToken cancellationToken)
        {
            var queued = 0;
            foreach (var practiceId in await sweep.PracticeIdsAsync(cancellationToken))
                queued += await sweep.InPracticeAsync(practiceId, (services, tenantDb) => RemindPracticeAsync(services, tenantDb, command.Period, cancellationToken), cancellationToken);
            logger.LogInformation("Scan reminders due by {Tick:o}: {Queued} queued", command.Period, queued);
            return Unit.Value;
        }

        private async Task<int> RemindPracticeAsync(IServiceProvider services, AppDbContext tenantDb, DateTime tick, CancellationToken ct)
        {
            var notices = services.GetRequiredService<PatientNotices>();
            var patients = await tenantDb.Patients.AsNoTracking()
                .Where(p => p.Status == PatientStatus.Active && p.ErasedAt == null && (p.Phone != null || p.Email != null))
                .Select(p => new { Patient = p, LastScan = tenantDb.ScanSessions.Where(s => s.PatientId == p.Id && s.SubmittedAt != null).Max(s => s.SubmittedAt) })
                .ToListAsync(ct);
            if (patients.Count == 0) return 0;
            var secondAfter = options.Value.SecondReminderAfter;

            await using var transaction = await tenantDb.Database.BeginTransactionAsync(ct);
            var queued = new List<Guid>();
            foreach (var row in patients)
            {
                var patient = row.Patient;
                var plan = PlanFor(row.LastScan ?? patient.CreatedAt, patient.ScanFrequency, QuietHours.Zone(patient.Timezone),
                    patient.QuietHoursStart, patient.QuietHoursEnd, secondAfter);
                // The current reminder of this due date, if any: none before it is due, none late once the next one's time passed.
                int? number = tick < plan.First ? null : tick < plan.Second ? 1 : tick < plan.Second + secondAfter ? 2 : null;
                if (number is null) continue;
                if (await notices.QueueAsync(patient, NotificationTemplate.ScanReminder, tick,
                        $"scan-reminder:{patient.Id}:{plan.DueOn:yyyy-MM-dd}:{number}", ct) is { } id)
                    queued.Add(id);
            }
            await tenantDb.SaveChangesAsync(ct);
            var audit = services.GetRequiredService<AuditWriter>();
            foreach (var id in queued) await audit.WriteAsync("Notifications.SendScanReminders", new AuditRecord("notification", id), ct);
            await transaction.CommitAsync(ct);
            return queued.Count;
        }
    }
}
