using Microsoft.Extensions.Options;
using OrthoScan.Api.Infrastructure.Billing;

namespace OrthoScan.Api.Features.Admin;

/// <summary>
/// Finance's review list: every practice's discount proposal per billing period, with its counts, rate, proposed and
/// granted percent, what the discount is worth on the practice's plan, the decision, and the practice's rate over its
/// last proposals. Read through the platform read path (<c>platform_discount_proposals()</c>, ADR 0009/0010): aggregates
/// only, never a patient. Newest period first, then practice name; paged.
/// </summary>
public static class ListTaggingRates
{
    /// <summary>Proposals in a practice's trend: this one and up to five before it.</summary>
    public const int TrendLength = 6;

    [RequiresRole(Role.Finance, Role.PlatformAdmin)]
    public sealed record Query(DiscountProposalStatus? Status, string? Cursor, int? Limit) : IQuery<Page<TaggingRate>>;

    public sealed record TrendPoint(DateTime PeriodStart, decimal Rate);

    /// <param name="Plan">The practice's plan now, whose monthly price the amount is taken from.</param>
    /// <param name="AmountMinor">The granted percent (the proposed one until decided; 0 when rejected) of the plan's monthly price, rounded.</param>
    /// <param name="Trend">The practice's rate over its proposals up to this one (at most <see cref="TrendLength"/>), oldest first.</param>
    public sealed record TaggingRate(
        Guid Id, Guid PracticeId, string PracticeName, SubscriptionTier Plan, DateTime PeriodStart, DateTime PeriodEnd,
        int SessionsReceived, int SessionsTagged, decimal Rate, decimal ProposedPercent, decimal? ApprovedPercent, long AmountMinor, string Currency,
        DiscountProposalStatus Status, string? DecisionReason, DateTime? DecidedAt, DateTime? AppliedAt, IReadOnlyList<TrendPoint> Trend);

    public sealed record Cursor(DateTime PeriodStart, string Name, Guid Id);

    /// <summary>A row of <c>platform_discount_proposals()</c> (and of <c>platform_decide_discount()</c>), by the model's snake_case names.</summary>
    public sealed record ProposalRow(
        Guid Id, Guid PracticeId, string PracticeName, string SubscriptionTier, DateTime PeriodStart, DateTime PeriodEnd,
        int SessionsReceived, int SessionsTagged, decimal Rate, decimal ProposedPercent, decimal? ApprovedPercent,
        string Status, string? DecisionReason, DateTime? DecidedAt, DateTime? AppliedAt);

    public static IQueryable<ProposalRow> Proposals(AppDbContext db) =>
        db.Database.SqlQueryRaw<ProposalRow>($"SELECT * FROM {PlatformReadSql.DiscountProposals}()");

    public sealed class Handler(AppDbContext db, IOptions<BillingOptions> billing) : IQueryHandler<Query, Page<TaggingRate>>
    {
        public async ValueTask<Page<TaggingRate>> Handle(Query query, CancellationToken ct)
        {
            var limit = Paging.Limit(query.Limit);
            var after = Paging.Decode<Cursor>(query.Cursor);
            var proposals = Proposals(db);
            if (query.Status is { } status)
            {
                var wanted = StatusText(status);
                proposals = proposals.Where(r => r.Status == wanted);
            }
            if (after is not null)
                proposals = proposals.Where(r => r.PeriodStart < after.PeriodStart
                    || (r.PeriodStart == after.PeriodStart && (string.Compare(r.PracticeName, after.Name) > 0
                        || (r.PracticeName == after.Name && r.Id.CompareTo(after.Id) > 0))));
            var rows = await proposals.OrderByDescending(r => r.PeriodStart).ThenBy(r => r.PracticeName).ThenBy(r => r.Id).Take(limit + 1).ToListAsync(ct);
            var rates = await ToTaggingRatesAsync(db, billing.Value, rows.Take(limit).ToList(), ct);
            return new Page<TaggingRate>(rates, rows.Count > limit ? Paging.Encode(new Cursor(rows[limit - 1].PeriodStart, rows[limit - 1].PracticeName, rows[limit - 1].Id)) : null);
        }
    }

    /// <summary>The rows as finance reads them, each with its practice's trend (one more read for all of them).</summary>
    public static async Task<List<TaggingRate>> ToTaggingRatesAsync(AppDbContext db, BillingOptions billing, IReadOnlyList<ProposalRow> rows, CancellationToken ct)
    {
        if (rows.Count == 0) return [];
        var practiceIds = rows.Select(r => r.PracticeId).Distinct().ToList();
        var history = (await Proposals(db).Where(r => practiceIds.Contains(r.PracticeId)).Select(r => new { r.PracticeId, r.PeriodStart, r.Rate }).ToListAsync(ct))
            .ToLookup(r => r.PracticeId, r => new TrendPoint(r.PeriodStart, r.Rate));
        return [.. rows.Select(r =>
        {
            var trend = history[r.PracticeId].Where(p => p.PeriodStart <= r.PeriodStart).OrderBy(p => p.PeriodStart).TakeLast(TrendLength).ToList();
            var plan = Enum.Parse<SubscriptionTier>(r.SubscriptionTier, ignoreCase: true);
            var status = Enum.Parse<DiscountProposalStatus>(r.Status, ignoreCase: true);
            return new TaggingRate(
                r.Id, r.PracticeId, r.PracticeName, plan, r.PeriodStart, r.PeriodEnd, r.SessionsReceived, r.SessionsTagged, r.Rate,
                r.ProposedPercent, r.ApprovedPercent, AmountMinor(status, r.ApprovedPercent ?? r.ProposedPercent, billing.PlanFor(plan)),
                billing.Currency, status, r.DecisionReason, r.DecidedAt, r.AppliedAt, trend);
        })];
    }

    /// <summary>A percent of a plan's monthly price in minor units, rounded half away from zero; nothing for a rejected proposal.</summary>
    public static long AmountMinor(DiscountProposalStatus status, decimal percent, PlanOptions plan) =>
        status == DiscountProposalStatus.Rejected ? 0 : (long)Math.Round(percent * plan.MonthlyPriceMinor / 100m, MidpointRounding.AwayFromZero);

    /// <summary>How a status is stored (and answered): its snake_case word.</summary>
    public static string StatusText(DiscountProposalStatus status) => SnakeCaseEnumConverter<DiscountProposalStatus>.Text(status);

    internal static readonly TaggingRate Example = new(
        new Guid("0195f3a2-7b1c-7d3e-9a41-2f6c1e0b5d7a"), new Guid("0195f3a2-1111-7222-8333-444455556666"), "Bright Smiles Orthodontics",
        SubscriptionTier.Professional, new DateTime(2026, 10, 1, 0, 0, 0, DateTimeKind.Utc), new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc),
        120, 93, 0.775m, 10m, 7.5m, 3_743, "usd", DiscountProposalStatus.Adjusted, "Tagged late in the month; half the tier.",
        new DateTime(2026, 11, 18, 9, 30, 0, DateTimeKind.Utc), null,
        [new(new DateTime(2026, 9, 1, 0, 0, 0, DateTimeKind.Utc), 0.62m), new(new DateTime(2026, 10, 1, 0, 0, 0, DateTimeKind.Utc), 0.775m)]);

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapGet($"{Routes.V1}/admin/tagging-rates", async (string? status, string? cursor, int? limit, ISender sender, CancellationToken ct) =>
                    Results.Ok(await sender.Send(new Query(QueryEnum.Parse<DiscountProposalStatus>(status, "status"), cursor, limit), ct)))
                .WithTags("Admin").WithName("ListTaggingRates").RequireAuthorization()
                .WithSummary("List the tagging-rate discount proposals (finance, platform admin)")
                .WithDescription(
                    "Per practice and billing period: sessions received and tagged, the tagging rate, the proposed and granted percent, " +
                    "`amountMinor` (the granted percent, or the proposed one until decided, 0 when rejected, of the practice's plan's " +
                    "monthly price), the decision, and `trend`: the practice's rate over its proposals up to this one (at most 6, oldest " +
                    "first). Newest period first, then practice name; `status` filters. Aggregates only, through the platform read " +
                    "path: no patient's identity.")
                .WithResponseExample(new Page<TaggingRate>([Example], null))
                .Produces<Page<TaggingRate>>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden);
    }
}
