namespace OrthoScan.Api.Tests.Contract;

public enum NotificationChannel { Email, Sms }

/// <summary>An item of GET /dev/mailbox.</summary>
public sealed record DevMailboxLetterDto(Guid Id, NotificationChannel Channel, string Recipient, string? Subject, string Body, DateTime CreatedAt);
