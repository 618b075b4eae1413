using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using OrthoScan.Api.Infrastructure.Billing;
using TaggingRate = OrthoScan.Api.Features.Admin.ListTaggingRates.TaggingRate;

namespace OrthoScan.Api.Features.Admin;

/// <summary>
/// Finance decides a discount proposal: approve the proposed percent, adjust it (a percent and a reason), or reject it.
/// Finance's one write, through the platform function <c>platform_decide_discount()</c> (ADR 0010): a single conditional
/// UPDATE that only takes a proposal out of 'proposed', so of any number of concurrent decisions exactly one lands and the
/// others answer 409. Audited as every command is.
/// </summary>
public static class DecideDiscount
{
    public enum DecisionAction { Approve, Adjust, Reject }

    /// <param name="Percent">Adjust only: the percent granted instead, 0-100, at most two decimals.</param>
    /// <param name="Reason">Required to adjust, optional otherwise; at most 500 characters.</param>
    public sealed record Decision(DecisionAction Action, decimal? Percent, string? Reason);

    [RequiresRole(Role.Finance)]
    public sealed record Command(Guid Id, Decision Decision) : ICommand<TaggingRate>, IAudited<TaggingRate>
    {
        public AuditRecord Audit(TaggingRate response) => new("discount_proposal", Id);
    }

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.Id).NotEmpty();
            RuleFor(c => c.Decision).NotNull();
            When(c => c.Decision is not null, () =>
            {
                RuleFor(c => c.Decision.Action).IsInEnum().OverridePropertyName("action");
                RuleFor(c => c.Decision.Reason).MaximumLength(500).OverridePropertyName("reason");
                When(c => c.Decision.Action == DecisionAction.Adjust, () =>
                {
                    RuleFor(c => c.Decision.Percent).NotNull().WithMessage("Give the percent to grant instead.")
                        .InclusiveBetween(0m, 100m).Must(p => p is null || decimal.Round(p.Value, 2) == p.Value).WithMessage("At most two decimals.")
                        .OverridePropertyName("percent");
                    RuleFor(c => c.Decision.Reason).NotEmpty().WithMessage("Say why the percent is adjusted.").OverridePropertyName("reason");
                }).Otherwise(() =>
                    RuleFor(c => c.Decision.Percent).Null().WithMessage("Only an adjustment sets a percent.").OverridePropertyName("percent"));
            });
        }
    }

    public sealed class Handler(AppDbContext db, RequestContext context, TimeProvider clock, IOptions<BillingOptions> billing)
        : ICommandHandler<Command, TaggingRate>
    {
        public async ValueTask<TaggingRate> Handle(Command command, CancellationToken ct)
        {
            var decision = command.Decision;
            var status = ListTaggingRates.StatusText(decision.Action switch
            {
                DecisionAction.Approve => DiscountProposalStatus.Approved,
                DecisionAction.Adjust => DiscountProposalStatus.Adjusted,
                _ => DiscountProposalStatus.Rejected,
            });
            var percent = decision.Action == DecisionAction.Adjust ? decision.Percent : null;
            var reason = string.IsNullOrWhiteSpace(decision.Reason) ? null : decision.Reason.Trim();
            var decided = await db.Database.SqlQueryRaw<ListTaggingRates.ProposalRow>(
                $"SELECT * FROM {PlatformReadSql.DecideDiscount}(@p0, @p1, @p2, @p3, @p4, @p5)",
                Parameter("p0", NpgsqlDbType.Uuid, command.Id), Parameter("p1", NpgsqlDbType.Text, status),
                Parameter("p2", NpgsqlDbType.Numeric, percent), Parameter("p3", NpgsqlDbType.Text, reason),
                Parameter("p4", NpgsqlDbType.Uuid, context.UserId), Parameter("p5", NpgsqlDbType.TimestampTz, clock.UtcNow())).ToListAsync(ct);
            if (decided.Count == 0)
            {
                throw await ListTaggingRates.Proposals(db).AnyAsync(r => r.Id == command.Id, ct)
                    ? new ConflictException("already-decided", "This discount proposal is already decided.", "A decision is final; reload the list to see it.")
                    : new NotFoundException("discount proposal");
            }
            return (await ListTaggingRates.ToTaggingRatesAsync(db, billing.Value, decided, ct)).Single();
        }

        // Typed, so a null percent or reason still names the function's signature.
        private static NpgsqlParameter Parameter(string name, NpgsqlDbType type, object? value) => new(name, type) { Value = value ?? DBNull.Value };
    }

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapPost($"{Routes.V1}/admin/tagging-rates/{{id:guid}}/decision", async (Guid id, Decision decision, ISender sender, CancellationToken ct) =>
                    Results.Ok(await sender.Send(new Command(id, decision), ct)))
                .WithTags("Admin").WithName("DecideDiscount").RequireAuthorization()
                .WithSummary("Approve, adjust or reject a discount proposal (finance)")
                .WithDescription(
                    "`approve` grants the proposed percent; `adjust` grants `percent` (0-100, at most two decimals) and needs a " +
                    "`reason`; `reject` grants nothing (`reason` optional). A decision is final: of concurrent decisions exactly one " +
                    "succeeds and the others, like any decision on a proposal already decided, answer 409 `already-decided`. Answers " +
                    "the proposal as the list does; every decision is audited.")
                .WithRequestExample(new Decision(DecisionAction.Adjust, 7.5m, "Tagged late in the month; half the tier."))
                .WithResponseExample(ListTaggingRates.Example)
                .Produces<TaggingRate>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden)
                .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
    }
}
