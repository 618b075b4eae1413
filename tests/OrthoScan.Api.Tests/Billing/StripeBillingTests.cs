using System.Net;
using System.Net.Http.Json;
using System.Text;
using OrthoScan.Api.Features.Billing;
using OrthoScan.Api.Tests.Contract;
using OrthoScan.Api.Tests.Infrastructure;
using OrthoScan.Api.Tests.Scans;
using Shouldly;

namespace OrthoScan.Api.Tests.Billing;

/// <summary>
/// Stripe billing against a fake Stripe on loopback (<see cref="FakeStripe"/>): what checkout sends (no PHI), webhooks
/// signed by the test (bad or stale signatures change nothing; a repeated event has one effect; the order of events does
/// not matter because the current object is fetched), the past-due grace, and the coupon of a granted discount.
/// </summary>
public sealed class StripeBillingTests(FakeStripe stripe) : IClassFixture<FakeStripe>
{
    private ApiFactory Api => stripe.Api;

    private async Task<HttpResponseMessage> DeliverAsync(string payload, string? signature)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/billing/webhooks/stripe") { Content = new StringContent(payload, Encoding.UTF8, "application/json") };
        if (signature is not null) request.Headers.TryAddWithoutValidation("Stripe-Signature", signature).ShouldBeTrue();
        return await Api.CreateClient().SendAsync(request);
    }

    private async Task DeliveredAsync(string payload) => await (await DeliverAsync(payload, FakeStripe.Sign(payload, DateTime.UtcNow))).ShouldBeEmptyAsync(HttpStatusCode.OK);

    private async Task<long> CountAsync(Guid practiceId, string sql, params (string, object)[] parameters)
    {
        await using var connection = await Sql.OpenAsync(Api.OwnerConnectionString, practiceId);
        return await connection.ScalarAsync<long>(sql, parameters);
    }

    /// <summary>A practice that went through checkout: its Stripe customer exists, its subscription is not real yet.</summary>
    private async Task<(Session Owner, string Customer, string Session)> CheckedOutAsync(string name = "Stripe Practice")
    {
        var owner = await Api.RegisterPracticeAsync(name);
        var (customer, session, _) = stripe.ExpectCheckout();
        (await Api.CheckoutAsync(owner, "starter")).Subscription.Status.ShouldBe(SubscriptionStatus.Incomplete);
        return (owner, customer, session);
    }

    /// <summary>Checkout completed and its subscription made real by the webhook, in <paramref name="status"/>.</summary>
    private async Task<(Session Owner, string Customer, string Subscription)> SubscribedAsync(string status = "active")
    {
        var (owner, customer, session) = await CheckedOutAsync();
        var subscription = "sub_" + Guid.NewGuid().ToString("N")[..12];
        stripe.HasCompletedSession(session, customer, subscription);
        stripe.HasSubscription(subscription, customer, owner.PracticeId, status, FakeStripe.StarterPrice, DateTime.UtcNow.Date);
        await DeliveredAsync(FakeStripe.Event("checkout.session.completed", new() { ["id"] = session, ["object"] = "checkout.session" }));
        (await Api.SubscriptionAsync(owner)).Status.ShouldBe(status == "active" ? SubscriptionStatus.Active : SubscriptionStatus.Trialing);
        return (owner, customer, subscription);
    }

    [Fact]
    public async Task Checkout_creates_the_customer_from_the_practice_name_and_billing_email_only_and_a_subscription_session_with_a_trial()
    {
        var owner = await Api.RegisterPracticeAsync("Smile Bright Orthodontics");
        await (await Api.As(owner).PatchAsJsonAsync("/api/v1/practice/settings", new { billingEmail = "accounts@smilebright.example" }))
            .ShouldBeAsync<PracticeSettingsDto>(HttpStatusCode.OK);
        await Api.AddPatientAsync(owner, "Hypatia", "Alexandrova"); // a patient exists: none of it may reach Stripe
        stripe.Server.ResetLogEntries();
        var (customer, _, url) = stripe.ExpectCheckout();

        var checkout = await Api.CheckoutAsync(owner, "starter");

        checkout.Mode.ShouldBe(BillingMode.Stripe);
        checkout.CheckoutUrl.ShouldBe(url);
        checkout.Subscription.Status.ShouldBe(SubscriptionStatus.Incomplete, "the webhooks make it real");
        var created = stripe.Requests("POST", "/v1/customers").ShouldHaveSingleItem();
        created.RequestMessage.Headers!["Authorization"].ShouldBe([$"Bearer {FakeStripe.SecretKey}"]);
        FakeStripe.FormOf(created).Split('&').Order().ShouldBe(
            ["email=accounts@smilebright.example", $"metadata[practice_id]={owner.PracticeId}", "name=Smile Bright Orthodontics"]);
        var session = FakeStripe.FormOf(stripe.Requests("POST", "/v1/checkout/sessions").ShouldHaveSingleItem()).Split('&');
        session.ShouldContain("mode=subscription");
        session.ShouldContain($"customer={customer}");
        session.ShouldContain($"line_items[0][price]={FakeStripe.StarterPrice}");
        session.ShouldContain("line_items[0][quantity]=1");
        session.ShouldContain("subscription_data[trial_period_days]=14");
        session.ShouldContain($"subscription_data[metadata][practice_id]={owner.PracticeId}");
        foreach (var entry in stripe.Server.LogEntries)
        {
            var sent = FakeStripe.FormOf(entry) + entry.RequestMessage.Url;
            foreach (var phi in new[] { "Hypatia", "Alexandrova", "ada@example.com", "1990-04-12", "Europe/Paris" }) sent.ShouldNotContain(phi, Case.Insensitive);
        }

        await (await Api.As(owner).PostAsJsonAsync("/api/v1/billing/checkout", new { plan = "professional" })).ShouldBeAsync<CheckoutDto>(HttpStatusCode.OK);
        stripe.Requests("POST", "/v1/customers").Count.ShouldBe(1, "the customer is created once");
        stripe.HasPortal("https://billing.stripe.test/p/session");
        (await (await Api.As(owner).PostAsync("/api/v1/billing/portal", null)).ShouldBeAsync<PortalDto>(HttpStatusCode.OK)).Url.ShouldBe("https://billing.stripe.test/p/session");
        FakeStripe.FormOf(stripe.Requests("POST", "/v1/billing_portal/sessions").ShouldHaveSingleItem()).Split('&').ShouldContain($"customer={customer}");
        (await (await Api.As(owner).GetAsync("/api/v1/billing/plans")).ShouldBeAsync<BillingPlansDto>(HttpStatusCode.OK)).Mode.ShouldBe(BillingMode.Stripe);
    }

    [Fact]
    public async Task Stripe_failing_answers_503_with_retry_after_and_starts_nothing()
    {
        var owner = await Api.RegisterPracticeAsync("Stripe Is Down Dental");
        var down = Guid.NewGuid();
        stripe.Server.Given(WireMock.RequestBuilders.Request.Create().WithPath("/v1/customers").UsingPost()).WithGuid(down).AtPriority(-10)
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithStatusCode(500).WithHeader("Content-Type", "application/json")
                .WithBody("""{"error":{"type":"api_error","message":"down"}}"""));

        HttpResponseMessage answer;
        try
        {
            answer = await Api.As(owner).PostAsJsonAsync("/api/v1/billing/checkout", new { plan = "starter" });
        }
        finally
        {
            stripe.Server.DeleteMapping(down); // Stripe is back for the next test
        }

        await answer.ShouldFailAsync(HttpStatusCode.ServiceUnavailable, "service-unavailable");
        answer.Headers.RetryAfter.ShouldNotBeNull();
        (await Api.SubscriptionAsync(owner)).Status.ShouldBe(SubscriptionStatus.None, "the failed checkout left nothing behind");
    }

    [Fact]
    public async Task A_bad_signature_or_a_stale_timestamp_answers_400_and_changes_nothing()
    {
        var (owner, customer, session) = await CheckedOutAsync();
        var subscription = "sub_" + Guid.NewGuid().ToString("N")[..12];
        stripe.HasCompletedSession(session, customer, subscription);
        stripe.HasSubscription(subscription, customer, owner.PracticeId, "active", FakeStripe.StarterPrice, DateTime.UtcNow.Date);
        var eventId = "evt_" + Guid.NewGuid().ToString("N");
        var payload = FakeStripe.Event("checkout.session.completed", new() { ["id"] = session, ["object"] = "checkout.session" }, eventId);

        await (await DeliverAsync(payload, FakeStripe.Sign(payload, DateTime.UtcNow, "whsec_someone_else"))).ShouldFailAsync(HttpStatusCode.BadRequest, "invalid-signature");
        await (await DeliverAsync(payload, FakeStripe.Sign(payload, DateTime.UtcNow.AddSeconds(-StripeWebhook.ToleranceSeconds - 5)))).ShouldFailAsync(HttpStatusCode.BadRequest, "invalid-signature");
        await (await DeliverAsync(payload + " ", FakeStripe.Sign(payload, DateTime.UtcNow))).ShouldFailAsync(HttpStatusCode.BadRequest, "invalid-signature");
        await (await DeliverAsync(payload, null)).ShouldFailAsync(HttpStatusCode.BadRequest, "invalid-signature");
        await (await DeliverAsync("", FakeStripe.Sign("", DateTime.UtcNow))).ShouldFailAsync(HttpStatusCode.BadRequest, "validation");
        var huge = payload.Insert(payload.Length - 1, $",\"padding\":\"{new string('x', StripeWebhook.Validator.MaxPayloadChars)}\"");
        (await DeliverAsync(huge, FakeStripe.Sign(huge, DateTime.UtcNow))).StatusCode.ShouldBeOneOf(HttpStatusCode.BadRequest, HttpStatusCode.RequestEntityTooLarge);

        (await Api.SubscriptionAsync(owner)).Status.ShouldBe(SubscriptionStatus.Incomplete);
        stripe.Requests("GET", $"/v1/subscriptions/{subscription}").ShouldBeEmpty("nothing is fetched for an unverified event");
        (await CountAsync(owner.PracticeId, "SELECT count(*) FROM stripe_events WHERE event_id = @e", ("e", eventId))).ShouldBe(0, "a refused event is not taken in");
    }

    [Fact]
    public async Task The_same_event_delivered_three_times_at_once_has_one_effect()
    {
        var (owner, customer, session) = await CheckedOutAsync();
        var subscription = "sub_" + Guid.NewGuid().ToString("N")[..12];
        stripe.HasCompletedSession(session, customer, subscription);
        var trialEnd = DateTime.UtcNow.Date.AddDays(14);
        stripe.HasSubscription(subscription, customer, owner.PracticeId, "trialing", FakeStripe.StarterPrice, DateTime.UtcNow.Date, trialEnd);
        var eventId = "evt_" + Guid.NewGuid().ToString("N");
        var payload = FakeStripe.Event("checkout.session.completed", new() { ["id"] = session, ["object"] = "checkout.session" }, eventId);

        var answers = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => DeliverAsync(payload, FakeStripe.Sign(payload, DateTime.UtcNow))));

        foreach (var answer in answers) await answer.ShouldBeEmptyAsync(HttpStatusCode.OK);
        var now = await Api.SubscriptionAsync(owner);
        (now.Status, now.Plan, now.TrialEndsAt, now.CurrentPeriodStart).ShouldBe((SubscriptionStatus.Trialing, SubscriptionTier.Starter, trialEnd, DateTime.UtcNow.Date));
        stripe.Requests("GET", $"/v1/checkout/sessions/{session}").Count.ShouldBe(1, "the repeats stop at the inbox");
        (await CountAsync(owner.PracticeId, "SELECT count(*) FROM stripe_events WHERE event_id = @e AND processed_at IS NOT NULL", ("e", eventId))).ShouldBe(1);
        (await CountAsync(owner.PracticeId, "SELECT count(*) FROM audit_log WHERE practice_id = @p AND action = 'Billing.StripeWebhook'", ("p", owner.PracticeId))).ShouldBe(1);
    }

    [Fact]
    public async Task Events_out_of_order_end_in_the_state_stripe_holds_now()
    {
        var (owner, customer, subscription) = await SubscribedAsync("trialing");
        // Stripe now holds the subscription active on the professional plan; the events arrive newest first.
        stripe.HasSubscription(subscription, customer, owner.PracticeId, "active", FakeStripe.ProfessionalPrice, DateTime.UtcNow.Date.AddDays(14));
        var updated = FakeStripe.Subscription(subscription, customer, owner.PracticeId, "active", FakeStripe.ProfessionalPrice, DateTime.UtcNow.Date.AddDays(14));
        var created = FakeStripe.Subscription(subscription, customer, owner.PracticeId, "trialing", FakeStripe.StarterPrice, DateTime.UtcNow.Date);

        await DeliveredAsync(FakeStripe.Event("customer.subscription.updated", updated));
        await DeliveredAsync(FakeStripe.Event("customer.subscription.created", created));

        var now = await Api.SubscriptionAsync(owner);
        (now.Status, now.Plan, now.CurrentPeriodStart).ShouldBe((SubscriptionStatus.Active, SubscriptionTier.Professional, DateTime.UtcNow.Date.AddDays(14)));
        (await (await Api.As(owner).GetAsync("/api/v1/practice")).ShouldBeAsync<PracticeDto>(HttpStatusCode.OK)).SubscriptionTier.ShouldBe(SubscriptionTier.Professional);

        stripe.HasSubscription(subscription, customer, owner.PracticeId, "canceled", FakeStripe.ProfessionalPrice, DateTime.UtcNow.Date.AddDays(14));
        await DeliveredAsync(FakeStripe.Event("customer.subscription.deleted", (System.Text.Json.Nodes.JsonObject)updated.DeepClone()));
        (await Api.SubscriptionAsync(owner)).Status.ShouldBe(SubscriptionStatus.Canceled);
    }

    [Fact]
    public async Task An_event_naming_another_practices_id_with_its_own_customer_changes_neither_practice()
    {
        var (victim, _, _) = await SubscribedAsync();
        var (attacker, attackerCustomer, _) = await CheckedOutAsync("Other Practice");
        var forged = "sub_" + Guid.NewGuid().ToString("N")[..12];
        stripe.HasSubscription(forged, attackerCustomer, victim.PracticeId, "canceled", FakeStripe.StarterPrice, DateTime.UtcNow.Date);

        await DeliveredAsync(FakeStripe.Event("customer.subscription.updated", new() { ["id"] = forged, ["object"] = "subscription" }));

        (await Api.SubscriptionAsync(victim)).Status.ShouldBe(SubscriptionStatus.Active);
        (await Api.SubscriptionAsync(attacker)).Status.ShouldBe(SubscriptionStatus.Incomplete);
    }

    [Fact]
    public async Task After_a_failed_payment_and_its_grace_adding_patients_and_staff_is_refused_while_uploads_and_reviews_go_on()
    {
        var (owner, customer, subscription) = await SubscribedAsync();
        var app = await Api.PatientAppAsync(owner, "Grace");
        var invoice = "in_" + Guid.NewGuid().ToString("N")[..12];
        stripe.HasSubscription(subscription, customer, owner.PracticeId, "past_due", FakeStripe.StarterPrice, DateTime.UtcNow.Date);
        stripe.HasInvoice(invoice, customer, subscription, "open", 19_900, DateTime.UtcNow.Date);

        await DeliveredAsync(FakeStripe.Event("invoice.payment_failed", new() { ["id"] = invoice, ["object"] = "invoice" }));

        var pastDue = await Api.SubscriptionAsync(owner);
        pastDue.Status.ShouldBe(SubscriptionStatus.PastDue);
        pastDue.GraceEndsAt.ShouldBe(pastDue.PastDueSince.ShouldNotBeNull().AddDays(1));
        pastDue.Restricted.ShouldBeFalse("within its grace the practice goes on as before");
        await Api.AddPatientAsync(owner, "Within", "Grace");
        var open = (await Api.InvoicesAsync(owner)).Items.ShouldHaveSingleItem();
        (open.Status, open.TotalMinor, open.HostedUrl, open.PeriodStart).ShouldBe((InvoiceStatus.Open, 19_900L, "https://invoice.stripe.test/" + invoice, DateTime.UtcNow.Date));

        // The grace passes.
        await using (var sql = await Sql.OpenAsync(Api.OwnerConnectionString, owner.PracticeId))
            await sql.ExecuteAsync("UPDATE practice_subscriptions SET past_due_since = past_due_since - interval '25 hours'");
        (await Api.SubscriptionAsync(owner)).Restricted.ShouldBeTrue();

        await (await Api.As(owner).PostAsJsonAsync("/api/v1/patients", TestApi.NewPatient("Too", "Late"))).ShouldFailAsync(HttpStatusCode.PaymentRequired, "subscription-restricted");
        await (await Api.As(owner).PostAsJsonAsync("/api/v1/practice/invitations", new { email = TestApi.UniqueEmail("doctor"), name = "Dr. Late", role = "doctor" }))
            .ShouldFailAsync(HttpStatusCode.PaymentRequired, "subscription-restricted");
        var scan = await Api.SendScanAndWaitAsync(app); // an upload, processed
        scan.Status.ShouldBe(ScanSessionStatus.Ready);
        await (await Api.As(owner).PostAsJsonAsync($"/api/v1/scans/sessions/{scan.Id}/tags", new
        {
            taxonomyVersion = "2026.1", overallTracking = 2, alignerFit = 1, oralHygiene = 2, detailTags = Array.Empty<object>(), action = "approve_progression",
        })).ShouldBeAsync<TagSetDto>(HttpStatusCode.Created); // a review with its tags

        stripe.HasSubscription(subscription, customer, owner.PracticeId, "active", FakeStripe.StarterPrice, DateTime.UtcNow.Date);
        stripe.HasInvoice(invoice, customer, subscription, "paid", 19_900, DateTime.UtcNow.Date);
        await DeliveredAsync(FakeStripe.Event("invoice.paid", new() { ["id"] = invoice, ["object"] = "invoice" }));

        var settled = await Api.SubscriptionAsync(owner);
        (settled.Status, settled.PastDueSince, settled.Restricted).ShouldBe((SubscriptionStatus.Active, null, false));
        (await Api.InvoicesAsync(owner)).Items.ShouldHaveSingleItem().Status.ShouldBe(InvoiceStatus.Paid);
        await Api.AddPatientAsync(owner, "Paid", "Again");
    }

    [Fact]
    public async Task A_granted_discount_becomes_a_once_coupon_on_the_subscription_once_with_two_workers()
    {
        var (owner, customer, subscription) = await SubscribedAsync();
        var proposal = await Api.GrantedDiscountAsync(owner.PracticeId, new DateTime(2026, 10, 1, 0, 0, 0, DateTimeKind.Utc), 12.5m, "adjusted");
        var coupon = "coupon_" + Guid.NewGuid().ToString("N")[..8];
        stripe.AcceptsCoupons(coupon, subscription, customer, owner.PracticeId);
        await using var secondWorker = Api.WithWebHostBuilder(b => b.UseSetting("role", "api"));
        var tick = DateTime.UtcNow;

        await Task.WhenAll(Api.Services.RunJobAsync(new ApplyStripeDiscounts.Command(tick)), secondWorker.Services.RunJobAsync(new ApplyStripeDiscounts.Command(tick)));
        await Api.Services.RunJobAsync(new ApplyStripeDiscounts.Command(tick.AddHours(1)));

        var coupons = stripe.Requests("POST", "/v1/coupons").Where(e => FakeStripe.FormOf(e).Contains(proposal.ToString())).ToList();
        coupons.ShouldNotBeEmpty();
        coupons.ShouldAllBe(e => e.RequestMessage.Headers!["Idempotency-Key"].Single() == $"coupon-{proposal}");
        var form = FakeStripe.FormOf(coupons[0]).Split('&');
        form.ShouldContain("duration=once");
        form.ShouldContain("percent_off=12.50", string.Join('&', form));
        var attached = stripe.Requests("POST", $"/v1/subscriptions/{subscription}");
        attached.ShouldNotBeEmpty();
        attached.ShouldAllBe(e => FakeStripe.FormOf(e) == $"discounts[0][coupon]={coupon}" && e.RequestMessage.Headers!["Idempotency-Key"].Single() == $"subscription-discount-{proposal}");
        (await Api.AppliedAsync(owner.PracticeId, proposal)).AppliedTo.ShouldBe(coupon);
        var shown = (await Api.SubscriptionAsync(owner)).Discount.ShouldNotBeNull();
        (shown.ProposalId, shown.Percent, shown.Status, shown.AppliedTo).ShouldBe((proposal, 12.5m, GrantedDiscountStatus.Adjusted, coupon));
        (await CountAsync(owner.PracticeId, "SELECT count(*) FROM audit_log WHERE practice_id = @p AND action = 'Billing.ApplyStripeDiscounts'", ("p", owner.PracticeId))).ShouldBe(1);
    }
}
