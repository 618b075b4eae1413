namespace OrthoScan.Api.Features.Messaging;

/// <summary>
/// The conversations the caller takes part in, most recent first: every thread of the practice for its doctors and staff,
/// the patient's own for a patient; each with what the caller has not read yet and the newest message.
/// </summary>
public static class ListThreads
{
    public const int PreviewLength = 140;

    [RequiresRole(Role.Owner, Role.Doctor, Role.Staff, Role.Patient)]
    public sealed record Query(string? Cursor, int? Limit) : IQuery<Page<Item>>, IAudited<Page<Item>>
    {
        public AuditRecord Audit(Page<Item> response) => new("message_thread", null);
    }

    /// <param name="Unread">Messages to the caller's side not read yet.</param>
    /// <param name="LastMessage">The start of the newest message; null in a thread without messages.</param>
    public sealed record Item(
        Guid Id, Guid PatientId, string PatientName, int Unread, string? LastMessage, SenderType? LastSenderType, DateTime LastMessageAt);

    public sealed record Cursor(DateTime LastMessageAt, Guid Id);

    public sealed class Handler(AppDbContext db, RequestContext context) : IQueryHandler<Query, Page<Item>>
    {
        public async ValueTask<Page<Item>> Handle(Query query, CancellationToken ct)
        {
            var limit = Paging.Limit(query.Limit);
            var threads = db.MessageThreads.AsNoTracking();
            if (context.Role == Role.Patient) threads = threads.Where(t => t.PatientId == context.PatientId);
            if (Paging.Decode<Cursor>(query.Cursor) is { } after)
                threads = threads.Where(t => t.LastMessageAt < after.LastMessageAt || (t.LastMessageAt == after.LastMessageAt && t.Id.CompareTo(after.Id) < 0));
            var received = MessageViews.ReceivedBy(context);
            var rows = await threads.OrderByDescending(t => t.LastMessageAt).ThenByDescending(t => t.Id).Take(limit + 1)
                .Select(t => new
                {
                    Thread = t,
                    Patient = db.Patients.Where(p => p.Id == t.PatientId).Select(p => p.FirstName + " " + p.LastName).Single(),
                    Unread = db.Messages.Count(m => m.ThreadId == t.Id && m.ReadAt == null && received.Contains(m.SenderType)),
                    Last = db.Messages.Where(m => m.ThreadId == t.Id).OrderByDescending(m => m.CreatedAt).ThenByDescending(m => m.Id)
                        .Select(m => new { Start = m.Content.Substring(0, PreviewLength), Cut = m.Content.Length > PreviewLength, m.SenderType }).FirstOrDefault(),
                })
                .ToListAsync(ct);
            return Paging.ToPage(rows, limit,
                r => new Item(r.Thread.Id, r.Thread.PatientId, r.Patient, r.Unread, r.Last is null ? null : r.Last.Cut ? r.Last.Start[..(PreviewLength - 1)] + "…" : r.Last.Start, r.Last?.SenderType,
                    r.Thread.LastMessageAt),
                r => new Cursor(r.Thread.LastMessageAt, r.Thread.Id));
        }
    }

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapGet($"{Routes.V1}/messages/threads", async (string? cursor, int? limit, ISender sender, CancellationToken ct) =>
                    Results.Ok(await sender.Send(new Query(cursor, limit), ct)))
                .WithTags("Messaging").WithName("ListMessageThreads").RequireAuthorization()
                .WithSummary("Message threads")
                .WithDescription(
                    "Doctors and staff: the practice's threads, one per patient; a patient: their own. Most recent first, each with " +
                    "the messages to the caller's side not read yet (`unread`) and the start of the newest message. Paged: pass the " +
                    "previous page's `nextCursor` as `cursor`.")
                .Produces<Page<Item>>();
    }
}
