using Microsoft.Extensions.Options;
using OrthoScan.Api.Infrastructure.Notifications;

namespace OrthoScan.Api.Features.Notifications;

/// <summary>
/// The letters the embedded dev mailbox "sent" (emails and SMS without a real provider), newest first: what a local run shows
/// at /dev/mailbox in place of an inbox. Served only where configured (<see cref="NotificationsOptions.ExposeDevMailbox"/>);
/// elsewhere the route answers 404 as if it did not exist.
/// </summary>
public static class ListDevMailbox
{
    public const int MaxLetters = 100;

    [Anonymous]
    public sealed record Query(string? Recipient) : IQuery<IReadOnlyList<Letter>>;

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator() => RuleFor(q => q.Recipient).MaximumLength(320);
    }

    public sealed record Letter(Guid Id, NotificationChannel Channel, string Recipient, string? Subject, string Body, DateTime CreatedAt);

    public sealed class Handler(AppDbContext db, IOptions<NotificationsOptions> options) : IQueryHandler<Query, IReadOnlyList<Letter>>
    {
        public async ValueTask<IReadOnlyList<Letter>> Handle(Query query, CancellationToken ct)
        {
            if (!options.Value.ExposeDevMailbox) throw new NotFoundException("dev mailbox");
            var letters = db.DevMailbox.AsNoTracking();
            if (query.Recipient?.Trim() is { Length: > 0 } recipient) letters = letters.Where(m => EF.Functions.ILike(m.Recipient, LikePatterns.Literal(recipient)));
            return await letters.OrderByDescending(m => m.CreatedAt).ThenByDescending(m => m.Id).Take(MaxLetters)
                .Select(m => new Letter(m.Id, m.Channel, m.Recipient, m.Subject, m.Body, m.CreatedAt)).ToListAsync(ct);
        }
    }

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapGet($"{Routes.V1}/dev/mailbox", async (string? recipient, ISender sender, CancellationToken ct) =>
                    Results.Ok(await sender.Send(new Query(recipient), ct)))
                .WithTags("Dev").WithName("ListDevMailbox").AllowAnonymous()
                .WithSummary("Dev mailbox (local runs only)")
                .WithDescription(
                    "The last 100 emails and SMS sent without a real provider (no SendGrid key, no Twilio account), newest first, " +
                    "optionally for one `recipient`. Only where `OrthoScan:Notifications:ExposeDevMailbox` is on (`make run`); 404 " +
                    "everywhere else.")
                .Produces<IReadOnlyList<Letter>>();
    }
}
