namespace OrthoScan.Api.Features.Practices;

/// <summary>
/// The owner changes the practice's settings. A field left out (or null) keeps its value; an empty region or billing
/// email clears it. Turning a data-use choice on or off records who and when beside it, and the audit log keeps each change.
/// </summary>
public static class UpdatePracticeSettings
{
    public sealed record Changes(
        string? Country,
        string? Region,
        string? Timezone,
        string? BillingEmail,
        bool? ShareDeidentifiedData,
        bool? ExternalAiProcessing);

    [RequiresRole(Role.Owner)]
    public sealed record Command(Changes Changes) : ICommand<PracticeSettingsResponse>, IAudited<PracticeSettingsResponse>
    {
        public AuditRecord Audit(PracticeSettingsResponse response) => new("practice", response.PracticeId);
    }

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.Changes).NotNull();
            When(c => c.Changes is not null, () =>
            {
                RuleFor(c => c.Changes.Country).CountryCode().OverridePropertyName("country");
                RuleFor(c => c.Changes.Region).MaximumLength(100).OverridePropertyName("region");
                RuleFor(c => c.Changes.Timezone).TimeZone().OverridePropertyName("timezone");
                RuleFor(c => c.Changes.BillingEmail).EmailAddress().MaximumLength(320)
                    .When(c => !string.IsNullOrWhiteSpace(c.Changes.BillingEmail)).OverridePropertyName("billingEmail");
            });
        }
    }

    public sealed class Handler(AppDbContext db, RequestContext context, TimeProvider clock) : ICommandHandler<Command, PracticeSettingsResponse>
    {
        public async ValueTask<PracticeSettingsResponse> Handle(Command command, CancellationToken ct)
        {
            var practice = await db.Practices.SingleOrDefaultAsync(ct) ?? throw new NotFoundException("practice");
            var c = command.Changes;
            // A fresh settings object, so EF sees the JSON column change as a whole.
            var before = practice.Settings;
            var change = new SettingChange { By = context.UserId!.Value, At = clock.UtcNow() };
            practice.Settings = new PracticeSettings
            {
                Timezone = c.Timezone ?? before.Timezone,
                Country = c.Country ?? before.Country,
                Region = c.Region is null ? before.Region : Blank(c.Region),
                BillingEmail = c.BillingEmail is null ? before.BillingEmail : Blank(c.BillingEmail),
                CustomDetailTags = before.CustomDetailTags,
                ShareDeidentifiedData = c.ShareDeidentifiedData ?? before.ShareDeidentifiedData,
                ShareDeidentifiedDataChanged = c.ShareDeidentifiedData is { } share && share != before.ShareDeidentifiedData
                    ? change : before.ShareDeidentifiedDataChanged,
                ExternalAiProcessing = c.ExternalAiProcessing ?? before.ExternalAiProcessing,
                ExternalAiProcessingChanged = c.ExternalAiProcessing is { } ai && ai != before.ExternalAiProcessing
                    ? change : before.ExternalAiProcessingChanged,
            };
            await db.SaveChangesAsync(ct);
            // Read back rather than answer from `practice`: once saved, EF clears the owned change records that moved
            // from the old settings object into the new one, in memory only.
            return await PracticeSettingsResponse.ReadAsync(db, ct);
        }

        private static string? Blank(string value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapPatch($"{Routes.V1}/practice/settings", async (Changes changes, ISender sender, CancellationToken ct) =>
                    Results.Ok(await sender.Send(new Command(changes), ct)))
                .WithTags("Practice").WithName("UpdatePracticeSettings").RequireAuthorization()
                .WithSummary("Change the practice's settings")
                .WithDescription(
                    "Partial update: a field left out or null keeps its value; an empty `region` or `billingEmail` clears it. " +
                    "`country` is an ISO 3166-1 alpha-2 code, `timezone` an IANA zone. Turning `shareDeidentifiedData` or " +
                    "`externalAiProcessing` on or off records who and when; every change is audited.")
                .WithRequestExample(new Changes("GB", "England", "Europe/London", "accounts@smile-ortho.example", null, true))
                .WithResponseExample(GetPracticeSettings.Example)
                .Produces<PracticeSettingsResponse>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden);
    }
}
