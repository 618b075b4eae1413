namespace OrthoScan.Api.Tests.Contract;

public enum NotificationChannel { Email, Sms, Push }

/// <summary>An item of GET /dev/mailbox.</summary>
public sealed record DevMailboxLetterDto(Guid Id, NotificationChannel Channel, string Recipient, string? Subject, string Body, DateTime CreatedAt);

/// <summary>GET and PUT /notifications/preferences.</summary>
public sealed record NotificationPreferencesDto(bool Sms, bool Email, TimeOnly QuietHoursStart, TimeOnly QuietHoursEnd, bool SmsStopped);
