using OrthoScan.Api.Infrastructure.Notifications;

namespace OrthoScan.Api.Features.Patients;

/// <summary>What the patient app shows of the signed-in patient: their treatment, practice, next scan and settings.</summary>
/// <param name="PracticeName">The practice treating them.</param>
/// <param name="DoctorName">Their doctor; null when none is assigned.</param>
/// <param name="LastScanAt">When they last sent a scan; null before the first.</param>
/// <param name="NextScanDue">Their local day the next scan is due: one interval after the last scan, else after enrolment.</param>
/// <param name="Notifications">How they hear from OrthoScan outside the app.</param>
public sealed record MeResponse(
    Guid Id,
    string FirstName,
    string LastName,
    string PracticeName,
    string? DoctorName,
    int CurrentStage,
    int TotalStages,
    ScanFrequency ScanFrequency,
    DateTime? LastScanAt,
    DateOnly NextScanDue,
    PatientStatus Status,
    PreferredLanguage PreferredLanguage,
    string Timezone,
    string? Email,
    string? Phone,
    MeResponse.NoticeSettings Notifications)
{
    /// <param name="SmsStopped">Their number texted STOP: no SMS until it texts START, whatever Sms says.</param>
    public sealed record NoticeSettings(bool Sms, bool Email, TimeOnly QuietHoursStart, TimeOnly QuietHoursEnd, bool SmsStopped);

    /// <summary>Shared by the read and the update, which answer the same.</summary>
    public static async Task<MeResponse> BuildAsync(AppDbContext db, Patient p, CancellationToken ct)
    {
        var practice = await db.Practices.AsNoTracking().Where(x => x.Id == p.PracticeId).Select(x => x.Name).SingleAsync(ct);
        var doctor = p.DoctorId is { } doctorId ? await db.PracticeMembers.AsNoTracking().Where(m => m.Id == doctorId).Select(m => m.Name).SingleOrDefaultAsync(ct) : null;
        var lastScanAt = await db.ScanSessions.AsNoTracking().Where(s => s.PatientId == p.Id && s.SubmittedAt != null).MaxAsync(s => s.SubmittedAt, ct);
        var stopped = await PatientNotices.SmsStoppedAsync(db, p.Phone, ct);
        return new MeResponse(p.Id, p.FirstName, p.LastName, practice, doctor, p.CurrentStage, p.TotalStages, p.ScanFrequency, lastScanAt,
            p.ScanFrequency.NextDueOn(lastScanAt, p.CreatedAt, QuietHours.Zone(p.Timezone)), p.Status, p.PreferredLanguage, p.Timezone, p.Email, p.Phone,
            new NoticeSettings(p.NotifyBySms, p.NotifyByEmail, p.QuietHoursStart, p.QuietHoursEnd, stopped));
    }
}
