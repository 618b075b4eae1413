namespace OrthoScan.Api.Tests.Contract;

public enum SenderType { Doctor, Staff, Patient, System }

/// <summary>A message as GET /messages/threads/{id}, POST /messages and PATCH /messages/{id}/read answer it.</summary>
public sealed record MessageDto(
    Guid Id, Guid ThreadId, SenderType SenderType, string? SenderName, string Content, IReadOnlyList<MessageAttachmentDto> Attachments,
    DateTime? ReadAt, DateTime CreatedAt);

public sealed record MessageAttachmentDto(Guid ImageId, ImageType ImageType, string? Url);

/// <summary>An item of GET /messages/threads.</summary>
public sealed record MessageThreadDto(
    Guid Id, Guid PatientId, string PatientName, int Unread, string? LastMessage, SenderType? LastSenderType, DateTime LastMessageAt);

/// <summary>The live hub's `threadChanged` event (ids only: the client fetches the thread through the audited routes).</summary>
public sealed record ThreadChangedDto(Guid ThreadId, Guid PatientId);
