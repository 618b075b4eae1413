using System.Net;
using System.Net.Http.Json;
using Npgsql;
using OrthoScan.Api.Features.Billing;
using OrthoScan.Api.Tests.Contract;
using OrthoScan.Api.Tests.Infrastructure;
using Shouldly;

namespace OrthoScan.Api.Tests.Billing;

/// <summary>Offline billing (no Stripe key, the embedded default): checkout completes here and the invoice job bills each period once.</summary>
[Collection(ApiCollection.Name)]
public sealed class OfflineBillingTests(ApiFactory api)
{
    private static readonly string[] ConcurrentPlans = ["starter", "professional", "starter"];

    private static Task RunInvoicesAsync(IServiceProvider host, DateTime tick) => host.RunJobAsync(new WriteOfflineInvoices.Command(tick));

    [Fact]
    public async Task Plans_list_every_tier_with_its_price_and_limit_and_say_billing_is_offline()
    {
        var owner = await api.RegisterPracticeAsync();
        var doctor = await api.AddMemberAsync(owner, "doctor");

        var plans = await (await api.As(owner).GetAsync("/api/v1/billing/plans")).ShouldBeAsync<BillingPlansDto>(HttpStatusCode.OK);

        plans.Mode.ShouldBe(BillingMode.Offline);
        plans.TrialDays.ShouldBe(14);
        plans.Items.ShouldBe([
            new BillingPlanDto(SubscriptionTier.Trial, 0, "usd", 25), new BillingPlanDto(SubscriptionTier.Starter, 19_900, "usd", 100),
            new BillingPlanDto(SubscriptionTier.Professional, 49_900, "usd", 500), new BillingPlanDto(SubscriptionTier.Enterprise, 129_900, "usd", null),
        ]);
        await (await api.As(doctor).GetAsync("/api/v1/billing/plans")).ShouldFailAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await api.As(doctor).GetAsync("/api/v1/billing/subscription")).ShouldFailAsync(HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task Offline_checkout_starts_the_trial_at_once_switches_plan_and_keeps_the_practice_tier_in_step()
    {
        var owner = await api.RegisterPracticeAsync();
        (await api.SubscriptionAsync(owner)).Status.ShouldBe(SubscriptionStatus.None);
        var before = DateTime.UtcNow;

        var checkout = await api.CheckoutAsync(owner, "professional");

        checkout.Mode.ShouldBe(BillingMode.Offline);
        checkout.CheckoutUrl.ShouldBeNull();
        var subscription = checkout.Subscription;
        subscription.Plan.ShouldBe(SubscriptionTier.Professional);
        subscription.Status.ShouldBe(SubscriptionStatus.Trialing);
        subscription.TrialEndsAt.ShouldNotBeNull().ShouldBeInRange(before.AddDays(14), DateTime.UtcNow.AddDays(14));
        subscription.Restricted.ShouldBeFalse();
        subscription.ActivePatientLimit.ShouldBe(500);
        subscription.NextInvoice.ShouldBe(new NextInvoiceDto(subscription.TrialEndsAt!.Value, subscription.TrialEndsAt.Value.AddMonths(1), 49_900, 0, 49_900, "usd"));
        (await (await api.As(owner).GetAsync("/api/v1/practice")).ShouldBeAsync<PracticeDto>(HttpStatusCode.OK)).SubscriptionTier.ShouldBe(SubscriptionTier.Professional);

        var switched = await api.CheckoutAsync(owner, "starter");
        switched.Subscription.Plan.ShouldBe(SubscriptionTier.Starter);
        switched.Subscription.TrialEndsAt.ShouldBe(subscription.TrialEndsAt, "switching plan does not start another trial");
        (await (await api.As(owner).GetAsync("/api/v1/practice")).ShouldBeAsync<PracticeDto>(HttpStatusCode.OK)).SubscriptionTier.ShouldBe(SubscriptionTier.Starter);

        await (await api.As(owner).PostAsync("/api/v1/billing/portal", null)).ShouldFailAsync(HttpStatusCode.Conflict, "billing-offline");
        await (await api.As(owner).PostAsJsonAsync("/api/v1/billing/checkout", new { plan = "trial" })).ShouldFailAsync(HttpStatusCode.BadRequest);
        (await api.InvoicesAsync(owner)).Items.ShouldBeEmpty();
    }

    [Fact]
    public async Task Checkouts_of_one_practice_at_once_start_one_subscription()
    {
        var owner = await api.RegisterPracticeAsync();

        var answers = await Task.WhenAll(ConcurrentPlans.Select(plan =>
            api.As(owner).PostAsJsonAsync("/api/v1/billing/checkout", new { plan })));

        var trials = new List<DateTime?>();
        foreach (var answer in answers) trials.Add((await answer.ShouldBeAsync<CheckoutDto>(HttpStatusCode.OK)).Subscription.TrialEndsAt);
        trials.Distinct().ShouldHaveSingleItem("one trial, started by the first checkout; the others switched plan");
        await using var sql = await Sql.OpenAsync(api.OwnerConnectionString, owner.PracticeId);
        (await sql.ScalarAsync<long>("SELECT count(*) FROM practice_subscriptions WHERE practice_id = @p", ("p", owner.PracticeId))).ShouldBe(1);
    }

    [Fact]
    public async Task Parallel_workers_invoice_each_offline_period_once_and_apply_the_granted_discount_once()
    {
        var owner = await api.RegisterPracticeAsync();
        var trialEnds = (await api.CheckoutAsync(owner, "starter")).Subscription.TrialEndsAt!.Value;
        var proposal = await api.GrantedDiscountAsync(owner.PracticeId, new DateTime(2026, 10, 1, 0, 0, 0, DateTimeKind.Utc), 10m);
        var granted = await api.SubscriptionAsync(owner);
        granted.Discount.ShouldBe(new GrantedDiscountDto(proposal, new DateTime(2026, 10, 1, 0, 0, 0, DateTimeKind.Utc), new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc),
            0.9m, 10m, GrantedDiscountStatus.Approved, null, null));
        granted.NextInvoice.ShouldNotBeNull().TotalMinor.ShouldBe(17_910);
        await using var secondWorker = api.WithWebHostBuilder(b => b.UseSetting("role", "api"));
        var firstPeriodBilled = trialEnds.AddMonths(1).AddSeconds(1);

        await Task.WhenAll(RunInvoicesAsync(api.Services, firstPeriodBilled), RunInvoicesAsync(secondWorker.Services, firstPeriodBilled),
            RunInvoicesAsync(secondWorker.Services, firstPeriodBilled));
        await RunInvoicesAsync(api.Services, firstPeriodBilled); // the next tick: nothing more is due

        var invoice = (await api.InvoicesAsync(owner)).Items.ShouldHaveSingleItem();
        invoice.PeriodStart.ShouldBe(trialEnds, "the trial ends free; the period after it is the first billed");
        invoice.PeriodEnd.ShouldBe(trialEnds.AddMonths(1));
        (invoice.SubtotalMinor, invoice.DiscountMinor, invoice.TotalMinor, invoice.Currency, invoice.Status).ShouldBe((19_900L, 1_990L, 17_910L, "usd", InvoiceStatus.Open));
        invoice.HostedUrl.ShouldBeNull();
        (await api.AppliedAsync(owner.PracticeId, proposal)).AppliedTo.ShouldBe(invoice.Number);
        var after = await api.SubscriptionAsync(owner);
        after.Status.ShouldBe(SubscriptionStatus.Active);
        after.CurrentPeriodStart.ShouldBe(trialEnds.AddMonths(1));
        after.NextInvoice.ShouldBe(new NextInvoiceDto(trialEnds.AddMonths(1), trialEnds.AddMonths(2), 19_900, 0, 19_900, "usd"));
        after.Discount.ShouldNotBeNull().AppliedTo.ShouldBe(invoice.Number);

        await RunInvoicesAsync(api.Services, trialEnds.AddMonths(2).AddSeconds(1));
        var invoices = (await api.InvoicesAsync(owner)).Items;
        invoices.Count.ShouldBe(2);
        invoices[0].PeriodStart.ShouldBe(trialEnds.AddMonths(1), "newest first");
        (invoices[0].DiscountMinor, invoices[0].TotalMinor).ShouldBe((0L, 19_900L), "a granted discount is applied once");
    }

    [Fact]
    public async Task Adding_a_patient_beyond_the_plans_limit_answers_409_and_archiving_one_makes_room()
    {
        await using var host = api.WithWebHostBuilder(b => b
            .UseSetting("role", "api")
            .UseSetting("OrthoScan:Billing:Plans:Starter:MonthlyPriceMinor", "19900")
            .UseSetting("OrthoScan:Billing:Plans:Starter:ActivePatientLimit", "2"));
        var owner = await api.RegisterPracticeAsync();
        var client = host.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", owner.AccessToken);
        (await (await client.PostAsJsonAsync("/api/v1/billing/checkout", new { plan = "starter" })).ShouldBeAsync<CheckoutDto>(HttpStatusCode.OK))
            .Subscription.ActivePatientLimit.ShouldBe(2);
        var first = await (await client.PostAsJsonAsync("/api/v1/patients", TestApi.NewPatient("Ada", "One"))).ShouldBeAsync<PatientDto>(HttpStatusCode.Created);
        await (await client.PostAsJsonAsync("/api/v1/patients", TestApi.NewPatient("Ada", "Two"))).ShouldBeAsync<PatientDto>(HttpStatusCode.Created);

        await (await client.PostAsJsonAsync("/api/v1/patients", TestApi.NewPatient("Ada", "Three"))).ShouldFailAsync(HttpStatusCode.Conflict, "plan-limit-reached");

        await (await client.PostAsync($"/api/v1/patients/{first.Id}/archive", null)).ShouldBeAsync<PatientDto>(HttpStatusCode.OK);
        await (await client.PostAsJsonAsync("/api/v1/patients", TestApi.NewPatient("Ada", "Three"))).ShouldBeAsync<PatientDto>(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Twenty_parallel_adds_for_the_last_place_on_the_plan_admit_exactly_one()
    {
        await using var host = api.WithWebHostBuilder(b => b
            .UseSetting("role", "api")
            .UseSetting("OrthoScan:Billing:Plans:Starter:MonthlyPriceMinor", "19900")
            .UseSetting("OrthoScan:Billing:Plans:Starter:ActivePatientLimit", "2"));
        var owner = await api.RegisterPracticeAsync();
        var client = host.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", owner.AccessToken);
        await (await client.PostAsJsonAsync("/api/v1/billing/checkout", new { plan = "starter" })).ShouldBeAsync<CheckoutDto>(HttpStatusCode.OK);
        await (await client.PostAsJsonAsync("/api/v1/patients", TestApi.NewPatient("Ada", "First"))).ShouldBeAsync<PatientDto>(HttpStatusCode.Created);

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => client.PostAsJsonAsync("/api/v1/patients", TestApi.NewPatient("Ada", $"Racer{i}"))));

        responses.Count(r => r.StatusCode == HttpStatusCode.Created).ShouldBe(1);
        foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.Created))
            await refused.ShouldFailAsync(HttpStatusCode.Conflict, "plan-limit-reached");
        await using var sql = await Sql.OpenAsync(api.AppConnectionString, owner.PracticeId);
        (await sql.ScalarAsync<long>("SELECT count(*) FROM patients")).ShouldBe(2, "the plan's two places, no more");
    }

    [Fact]
    public async Task Another_practice_can_neither_read_nor_add_nor_change_a_practices_subscription_and_invoices()
    {
        var owner = await api.RegisterPracticeAsync();
        var other = await api.RegisterPracticeAsync();
        var trialEnds = (await api.CheckoutAsync(owner, "starter")).Subscription.TrialEndsAt!.Value;
        await RunInvoicesAsync(api.Services, trialEnds.AddMonths(1).AddSeconds(1));
        (await api.InvoicesAsync(owner)).Items.Count.ShouldBe(1);

        await using var asOther = await Sql.OpenAsync(api.AppConnectionString, other.PracticeId);
        foreach (var table in new[] { "practice_subscriptions", "invoices" })
        {
            (await asOther.ScalarAsync<long>($"SELECT count(*) FROM {table} WHERE practice_id = @p", ("p", owner.PracticeId))).ShouldBe(0, table);
            var column = table == "invoices" ? "paid_at" : "updated_at";
            (await asOther.ExecuteAsync($"UPDATE {table} SET {column} = now() WHERE practice_id = @p", ("p", owner.PracticeId))).ShouldBe(0, table);
            (await Should.ThrowAsync<PostgresException>(() => asOther.ExecuteAsync($"DELETE FROM {table} WHERE practice_id = @p", ("p", owner.PracticeId))))
                .SqlState.ShouldBe(PostgresErrorCodes.InsufficientPrivilege, "the app role may not delete billing rows at all");
        }
        (await Should.ThrowAsync<PostgresException>(() => asOther.ExecuteAsync("""
            INSERT INTO practice_subscriptions (id, practice_id, plan, status, provider, created_at, updated_at)
            VALUES (gen_random_uuid(), @p, 'enterprise', 'active', 'offline', now(), now())
            """, ("p", owner.PracticeId)))).SqlState.ShouldBe(PostgresErrorCodes.InsufficientPrivilege);
        (await Should.ThrowAsync<PostgresException>(() => asOther.ExecuteAsync("""
            INSERT INTO invoices (id, practice_id, number, provider, period_start, period_end, subtotal_minor, discount_minor, total_minor, currency, status, created_at)
            VALUES (gen_random_uuid(), @p, 'FORGED', 'offline', now(), now() + interval '1 month', 1, 0, 1, 'usd', 'open', now())
            """, ("p", owner.PracticeId)))).SqlState.ShouldBe(PostgresErrorCodes.InsufficientPrivilege);

        (await api.SubscriptionAsync(other)).Status.ShouldBe(SubscriptionStatus.None);
        (await api.InvoicesAsync(other)).Items.ShouldBeEmpty();
        (await api.SubscriptionAsync(owner)).Plan.ShouldBe(SubscriptionTier.Starter);
        (await api.InvoicesAsync(owner)).Items.ShouldHaveSingleItem().Number.ShouldNotBe("FORGED");
    }
}
