namespace OrthoScan.Api.Features.Billing;

/// <summary>The practice's invoices, newest period first, paged.</summary>
public static class ListInvoices
{
    [RequiresRole(Role.Owner)]
    public sealed record Query(string? Cursor, int? Limit) : IQuery<Page<Item>>;

    public sealed record Item(
        Guid Id, string Number, DateTime PeriodStart, DateTime PeriodEnd, long SubtotalMinor, long DiscountMinor, long TotalMinor, string Currency,
        InvoiceStatus Status, string? HostedUrl, DateTime CreatedAt);

    public sealed record Cursor(DateTime PeriodStart, Guid Id);

    public sealed class Handler(AppDbContext db) : IQueryHandler<Query, Page<Item>>
    {
        public async ValueTask<Page<Item>> Handle(Query query, CancellationToken ct)
        {
            var limit = Paging.Limit(query.Limit);
            var after = Paging.Decode<Cursor>(query.Cursor);
            var invoices = db.Invoices.AsNoTracking();
            if (after is not null)
                invoices = invoices.Where(i => i.PeriodStart < after.PeriodStart || (i.PeriodStart == after.PeriodStart && i.Id.CompareTo(after.Id) < 0));
            var rows = await invoices.OrderByDescending(i => i.PeriodStart).ThenByDescending(i => i.Id).Take(limit + 1).ToListAsync(ct);
            return Paging.ToPage(rows, limit,
                i => new Item(i.Id, i.Number, i.PeriodStart, i.PeriodEnd, i.SubtotalMinor, i.DiscountMinor, i.TotalMinor, i.Currency, i.Status, i.HostedUrl, i.CreatedAt),
                i => new Cursor(i.PeriodStart, i.Id));
        }
    }

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapGet($"{Routes.V1}/billing/invoices", async (string? cursor, int? limit, ISender sender, CancellationToken ct) =>
                    Results.Ok(await sender.Send(new Query(cursor, limit), ct)))
                .WithTags("Billing").WithName("ListInvoices").RequireAuthorization()
                .WithSummary("List the practice's invoices (owner)")
                .WithDescription(
                    "Newest period first: number, period, subtotal, discount and total in minor units, status and, for Stripe, the " +
                    "hosted invoice page. Offline invoices are written at each period's end.")
                .Produces<Page<Item>>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden);
    }
}
