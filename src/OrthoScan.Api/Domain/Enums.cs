namespace OrthoScan.Api.Domain;

public enum Role { Owner, Doctor, Staff, Patient, Finance, PlatformAdmin }

public enum SubscriptionTier { Trial, Starter, Professional, Enterprise }

public enum PracticeStatus { Active, Suspended, Closed }

public enum MemberStatus { Invited, Active, Disabled }

public enum PatientStatus { Invited, Active, Paused, Completed, Archived, Erased }

public enum TreatmentType { ClearAligners, Retainers, Other }

public enum PreferredLanguage { En, Es, Fr, De }

public enum ScanFrequency { Weekly, Biweekly, Monthly }

public static class ScanFrequencies
{
    /// <summary>Days between two scans: a scan is due this long after the last one (compliance, reminders).</summary>
    public static int IntervalDays(this ScanFrequency frequency) => frequency switch
    {
        ScanFrequency.Weekly => 7,
        ScanFrequency.Biweekly => 14,
        ScanFrequency.Monthly => 30,
        _ => throw new ArgumentOutOfRangeException(nameof(frequency), frequency, null),
    };

    /// <summary>The patient's local day the next scan is due: one interval after the last submitted scan, else after enrolment.</summary>
    public static DateOnly NextDueOn(this ScanFrequency frequency, DateTime? lastScanAt, DateTime enrolledAt, TimeZoneInfo zone) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(lastScanAt ?? enrolledAt, DateTimeKind.Utc), zone))
            .AddDays(frequency.IntervalDays());
}

public enum ScanSessionStatus { Pending, Processing, Ready, NeedsRetake, Reviewed, Flagged }

public enum ScanImageStatus { AwaitingUpload, Uploaded, Processed, Rejected }

public enum ImageType { Frontal, BuccalL, BuccalR, OcclusalU, OcclusalL }

public enum ReviewAction { ApproveProgression, HoldAligner, Message, ScheduleAppointment }

public enum SenderType { Doctor, Staff, Patient, System }

/// <summary>Finance's review (approve, adjust, reject) adds its outcomes; the period close only proposes.</summary>
public enum DiscountProposalStatus { Proposed, Approved, Adjusted, Rejected }
