using OrthoScan.Api.Infrastructure.Storage;

namespace OrthoScan.Api.Features.Messaging;

/// <summary>One thread's messages, newest first, for the practice or the thread's own patient.</summary>
public static class GetThread
{
    [RequiresRole(Role.Owner, Role.Doctor, Role.Staff, Role.Patient)]
    public sealed record Query(Guid Id, string? Cursor, int? Limit) : IQuery<Page<MessageResponse>>, IAudited<Page<MessageResponse>>
    {
        public AuditRecord Audit(Page<MessageResponse> response) => new("message_thread", Id);
    }

    public sealed record Cursor(DateTime CreatedAt, Guid Id);

    public sealed class Handler(AppDbContext db, RequestContext context, IBlobStore store) : IQueryHandler<Query, Page<MessageResponse>>
    {
        public async ValueTask<Page<MessageResponse>> Handle(Query query, CancellationToken ct)
        {
            var thread = await MessageViews.FindVisibleThreadAsync(db, context, query.Id, ct);
            var limit = Paging.Limit(query.Limit);
            var messages = db.Messages.AsNoTracking().Where(m => m.ThreadId == thread.Id);
            if (Paging.Decode<Cursor>(query.Cursor) is { } after)
                messages = messages.Where(m => m.CreatedAt < after.CreatedAt || (m.CreatedAt == after.CreatedAt && m.Id.CompareTo(after.Id) < 0));
            var rows = await messages.OrderByDescending(m => m.CreatedAt).ThenByDescending(m => m.Id).Take(limit + 1).ToListAsync(ct);
            var responses = (await MessageViews.ToResponsesAsync(db, store, rows, ct)).ToDictionary(r => r.Id);
            return Paging.ToPage(rows, limit, m => responses[m.Id], m => new Cursor(m.CreatedAt, m.Id));
        }
    }

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapGet($"{Routes.V1}/messages/threads/{{id:guid}}", async (Guid id, string? cursor, int? limit, ISender sender, CancellationToken ct) =>
                    Results.Ok(await sender.Send(new Query(id, cursor, limit), ct)))
                .WithTags("Messaging").WithName("GetMessageThread").RequireAuthorization()
                .WithSummary("Messages of a thread")
                .WithDescription(
                    "Newest first, with the sender's name and short-lived links to attached photos. A patient reaches only their own " +
                    "thread; another patient's or another practice's thread answers 404. Paged: pass `nextCursor` as `cursor`.")
                .Produces<Page<MessageResponse>>().ProducesProblem(StatusCodes.Status404NotFound);
    }
}
