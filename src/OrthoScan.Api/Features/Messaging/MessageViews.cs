using OrthoScan.Api.Infrastructure.Storage;

namespace OrthoScan.Api.Features.Messaging;

/// <param name="SenderName">The doctor's or staff member's name, the patient's name, or null for a system message.</param>
/// <param name="ReadAt">When the other side read it (the practice reads the patient's messages, the patient the rest).</param>
public sealed record MessageResponse(
    Guid Id, Guid ThreadId, SenderType SenderType, string? SenderName, string Content, IReadOnlyList<MessageAttachment> Attachments,
    DateTime? ReadAt, DateTime CreatedAt);

/// <param name="Url">A short-lived link to the display-size photo; null when the photo is not processed or was erased.</param>
public sealed record MessageAttachment(Guid ImageId, ImageType ImageType, string? Url);

/// <summary>What the message slices share: who may see a thread, which messages are unread for whom, and the answer's shape.</summary>
public static class MessageViews
{
    public const int MaxContentLength = 4000;

    /// <summary>The sender types whose messages the caller receives: the practice receives the patient's, the patient the rest.</summary>
    public static IReadOnlyList<SenderType> ReceivedBy(RequestContext context) =>
        context.Role == Role.Patient ? [SenderType.Doctor, SenderType.Staff, SenderType.System] : [SenderType.Patient];

    /// <summary>The thread, if the caller may see it: any of the practice's for its members (row-level security), only their own for a patient.</summary>
    public static async Task<MessageThread> FindVisibleThreadAsync(AppDbContext db, RequestContext context, Guid threadId, CancellationToken ct)
    {
        var thread = await db.MessageThreads.AsNoTracking().SingleOrDefaultAsync(t => t.Id == threadId, ct);
        if (thread is null || (context.Role == Role.Patient && thread.PatientId != context.PatientId)) throw new NotFoundException("thread");
        return thread;
    }

    /// <summary>The patient's one thread, made on first use: also when the practice and the patient write first at the same moment.</summary>
    public static async Task<MessageThread> ThreadOfPatientAsync(AppDbContext db, Guid practiceId, Guid patientId, DateTime now, CancellationToken ct)
    {
        await db.Database.ExecuteSqlAsync(
            $"INSERT INTO message_threads (id, practice_id, patient_id, created_at, last_message_at) VALUES ({Guid.CreateVersion7()}, {practiceId}, {patientId}, {now}, {now}) ON CONFLICT (patient_id) DO NOTHING",
            ct);
        return await db.MessageThreads.AsNoTracking().SingleAsync(t => t.PatientId == patientId, ct);
    }

    /// <summary>
    /// The message the thread holds under this key, once no other transaction is writing one with it: retries of one send (or
    /// deliveries of one job) take turns here, so only the first writes.
    /// </summary>
    public static async Task<Message?> ExistingAsync(AppDbContext db, Guid threadId, string key, CancellationToken ct)
    {
        await db.LockForTransactionAsync(LockSpace.MessageIdempotencyKeys, $"{threadId}|{key}", ct);
        return await db.Messages.AsNoTracking().SingleOrDefaultAsync(m => m.ThreadId == threadId && m.IdempotencyKey == key, ct);
    }

    /// <summary>Adds the message and moves the thread to the top of the lists.</summary>
    public static async Task AddAsync(AppDbContext db, Message message, CancellationToken ct)
    {
        db.Messages.Add(message);
        await db.SaveChangesAsync(ct);
        await db.MessageThreads.Where(t => t.Id == message.ThreadId && t.LastMessageAt < message.CreatedAt)
            .ExecuteUpdateAsync(u => u.SetProperty(t => t.LastMessageAt, message.CreatedAt), ct);
    }

    public static async Task<List<MessageResponse>> ToResponsesAsync(
        AppDbContext db, IBlobStore store, IReadOnlyList<Message> messages, CancellationToken ct)
    {
        var memberIds = messages.Where(m => m.SenderType is SenderType.Doctor or SenderType.Staff && m.SenderId is not null).Select(m => m.SenderId!.Value).Distinct().ToList();
        var patientIds = messages.Where(m => m.SenderType == SenderType.Patient && m.SenderId is not null).Select(m => m.SenderId!.Value).Distinct().ToList();
        var names = await db.PracticeMembers.AsNoTracking().Where(m => memberIds.Contains(m.Id)).Select(m => new { m.Id, m.Name }).ToDictionaryAsync(m => m.Id, m => m.Name, ct);
        foreach (var patient in await db.Patients.AsNoTracking().Where(p => patientIds.Contains(p.Id)).Select(p => new { p.Id, p.FirstName, p.LastName }).ToListAsync(ct))
            names[patient.Id] = $"{patient.FirstName} {patient.LastName}";

        var imageIds = messages.SelectMany(m => AttachedImageIds(m)).Distinct().ToList();
        var photos = (await db.ScanImages.AsNoTracking().Where(i => imageIds.Contains(i.Id)).Select(i => new { i.Id, i.ImageType, i.DisplayKey }).ToListAsync(ct))
            .ToDictionary(i => i.Id, i => Attachment(store, i.Id, i.ImageType, i.DisplayKey));

        return messages.Select(m => ToResponse(
            m, m.SenderId is { } sender ? names.GetValueOrDefault(sender) : null, [.. AttachedImageIds(m).Where(photos.ContainsKey).Select(id => photos[id])])).ToList();
    }

    public static MessageResponse ToResponse(Message message, string? senderName, IReadOnlyList<MessageAttachment> attachments) =>
        new(message.Id, message.ThreadId, message.SenderType, senderName, message.Content, attachments, message.ReadAt, message.CreatedAt);

    public static MessageAttachment Attachment(IBlobStore store, Guid imageId, ImageType type, string? displayKey) =>
        new(imageId, type, displayKey is { } key ? store.CreateDownloadUrl(key, PhotoLinks.Lifetime).ToString() : null);

    private static IEnumerable<Guid> AttachedImageIds(Message message) =>
        message.Attachments.Select(a => Guid.TryParse(a, out var id) ? id : Guid.Empty).Where(id => id != Guid.Empty);
}
