using Microsoft.Extensions.Options;
using OrthoScan.Api.Features.Billing;
using Stripe;

namespace OrthoScan.Api.Infrastructure.Billing;

public enum BillingMode { Offline, Stripe }

/// <summary>
/// <c>OrthoScan:Billing</c> beyond the plans (<see cref="BillingOptions"/>): how long a past-due practice keeps growing,
/// and Stripe. Without a Stripe secret key billing is offline: checkout completes locally and invoices are written here.
/// </summary>
public sealed class BillingRuntimeOptions
{
    /// <summary>How long a subscription may be past due before adding patients and staff is refused.</summary>
    public TimeSpan GracePeriod { get; set; } = TimeSpan.FromDays(7);
    public StripeSettings Stripe { get; set; } = new();

    public BillingMode Mode => string.IsNullOrWhiteSpace(Stripe.SecretKey) ? BillingMode.Offline : BillingMode.Stripe;

    internal bool IsValid() =>
        GracePeriod >= TimeSpan.Zero
        && (Mode == BillingMode.Offline || (!string.IsNullOrWhiteSpace(Stripe.WebhookSecret) && Uri.TryCreate(Stripe.ApiBase, UriKind.Absolute, out _)
                                            && Uri.TryCreate(Stripe.ReturnUrl, UriKind.Absolute, out _)));
}

public sealed class StripeSettings
{
    /// <summary>Empty: offline billing.</summary>
    public string? SecretKey { get; set; }
    /// <summary>The endpoint's signing secret (whsec_...), for the webhook's signature check.</summary>
    public string? WebhookSecret { get; set; }
    /// <summary>Stripe's API; tests point it at a fake on loopback.</summary>
    public string ApiBase { get; set; } = "https://api.stripe.com";
    /// <summary>Where Checkout and the customer portal send the owner back (the dashboard's billing page).</summary>
    public string ReturnUrl { get; set; } = "http://127.0.0.1:5080/billing/";
}

/// <summary>What checkout answers: where the owner completes it (Stripe), or nothing when it completed at once (offline).</summary>
public sealed record CheckoutStart(string? Url);

/// <summary>
/// The outside billing system, chosen by configuration (<see cref="BillingRuntimeOptions.Mode"/>). Only the practice's
/// name and billing email ever leave through it, with our practice id as metadata: never a patient.
/// </summary>
public interface IBillingProvider
{
    BillingMode Mode { get; }

    /// <summary>Starts (or changes) the practice's subscription to <paramref name="plan"/>, on <paramref name="subscription"/> (new or stored).</summary>
    Task<CheckoutStart> CheckoutAsync(Practice practice, PracticeSubscription subscription, SubscriptionTier plan, DateTime now, CancellationToken ct);

    /// <summary>A link to the provider's customer portal; offline billing has none.</summary>
    Task<string> PortalUrlAsync(PracticeSubscription subscription, CancellationToken ct);
}

/// <summary>The embedded default: the subscription is ours alone, and the invoice job bills it at each period end.</summary>
public sealed class OfflineBillingProvider(IOptions<BillingOptions> plans) : IBillingProvider
{
    public BillingMode Mode => BillingMode.Offline;

    public Task<CheckoutStart> CheckoutAsync(Practice practice, PracticeSubscription subscription, SubscriptionTier plan, DateTime now, CancellationToken ct)
    {
        subscription.Plan = plan;
        subscription.Provider = BillingProvider.Offline;
        if (subscription.CurrentPeriodStart is null || subscription.Status == SubscriptionStatus.Canceled)
        {
            // A new subscription: its trial is its first period, free; the invoice job bills the periods after it.
            var trialDays = plans.Value.TrialDays;
            subscription.Status = trialDays > 0 ? SubscriptionStatus.Trialing : SubscriptionStatus.Active;
            subscription.TrialEndsAt = trialDays > 0 ? now.AddDays(trialDays) : null;
            subscription.CurrentPeriodStart = now;
            subscription.CurrentPeriodEnd = trialDays > 0 ? now.AddDays(trialDays) : now.AddMonths(1);
            subscription.PastDueSince = null;
        }
        return Task.FromResult(new CheckoutStart(null));
    }

    public Task<string> PortalUrlAsync(PracticeSubscription subscription, CancellationToken ct) =>
        throw new ConflictException("billing-offline", "Billing is offline.", "Offline billing has no customer portal: the subscription is managed here.");
}

/// <summary>
/// Stripe through Stripe.net. The subscription becomes real through the webhooks (<see cref="Features.Billing.StripeWebhook"/>);
/// checkout only creates the customer (once) and a Checkout Session in subscription mode with the trial.
/// </summary>
public sealed class StripeBillingProvider(IStripeClient stripe, IOptions<BillingOptions> plans, IOptions<BillingRuntimeOptions> options) : IBillingProvider
{
    public BillingMode Mode => BillingMode.Stripe;

    public async Task<CheckoutStart> CheckoutAsync(Practice practice, PracticeSubscription subscription, SubscriptionTier plan, DateTime now, CancellationToken ct)
    {
        if (subscription.StripeSubscriptionId is not null && subscription.Status is not SubscriptionStatus.Canceled)
            throw new ConflictException("already-subscribed", "The practice already has a subscription.",
                "Change the plan in the customer portal: POST /api/v1/billing/portal answers its link.");
        var price = plans.Value.PlanFor(plan).StripePriceId
                    ?? throw new ConflictException("plan-not-offered", "This plan cannot be bought online.", $"No Stripe price is configured for the {plan} plan.");
        subscription.Provider = BillingProvider.Stripe;
        subscription.Plan = plan;
        subscription.Status = SubscriptionStatus.Incomplete;
        var metadata = new Dictionary<string, string> { [StripeMetadata.PracticeId] = practice.Id.ToString() };
        if (subscription.StripeCustomerId is null)
        {
            // The practice's name and billing email: nothing else about the practice, and nothing about a patient.
            var customer = await new CustomerService(stripe).CreateAsync(new CustomerCreateOptions
            {
                Name = practice.Name, Email = practice.Settings.BillingEmail, Metadata = metadata,
            }, cancellationToken: ct);
            subscription.StripeCustomerId = customer.Id;
        }
        var returnUrl = options.Value.Stripe.ReturnUrl;
        var session = await new Stripe.Checkout.SessionService(stripe).CreateAsync(new Stripe.Checkout.SessionCreateOptions
        {
            Mode = "subscription",
            Customer = subscription.StripeCustomerId,
            ClientReferenceId = practice.Id.ToString(),
            LineItems = [new Stripe.Checkout.SessionLineItemOptions { Price = price, Quantity = 1 }],
            SubscriptionData = new Stripe.Checkout.SessionSubscriptionDataOptions
            {
                TrialPeriodDays = plans.Value.TrialDays > 0 ? plans.Value.TrialDays : null, Metadata = metadata,
            },
            Metadata = metadata,
            SuccessUrl = returnUrl + "?checkout=success",
            CancelUrl = returnUrl + "?checkout=canceled",
        }, cancellationToken: ct);
        return new CheckoutStart(session.Url);
    }

    public async Task<string> PortalUrlAsync(PracticeSubscription subscription, CancellationToken ct)
    {
        var customer = subscription.StripeCustomerId
                       ?? throw new ConflictException("no-subscription", "The practice has no subscription yet.", "Choose a plan first: POST /api/v1/billing/checkout.");
        var portal = await new Stripe.BillingPortal.SessionService(stripe).CreateAsync(
            new Stripe.BillingPortal.SessionCreateOptions { Customer = customer, ReturnUrl = options.Value.Stripe.ReturnUrl }, cancellationToken: ct);
        return portal.Url;
    }
}

public static class StripeMetadata
{
    /// <summary>Our practice id on the Stripe customer, checkout session and subscription: how a webhook finds its practice.</summary>
    public const string PracticeId = "practice_id";
}

public static class BillingProviderSetup
{
    public static IServiceCollection AddBillingProvider(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<BillingRuntimeOptions>()
            .Bind(configuration.GetSection(BillingOptions.Section))
            .Validate(o => o.IsValid(), $"{BillingOptions.Section} is invalid: GracePeriod >= 0; with Stripe:SecretKey also Stripe:WebhookSecret, an absolute Stripe:ApiBase and Stripe:ReturnUrl.")
            .ValidateOnStart();
        services.AddSingleton<IStripeClient>(sp =>
        {
            var stripe = sp.GetRequiredService<IOptions<BillingRuntimeOptions>>().Value.Stripe;
            return new StripeClient(new StripeClientOptions { ApiKey = stripe.SecretKey ?? "sk_offline_unused", ApiBase = stripe.ApiBase });
        });
        services.AddScoped<IBillingProvider>(sp => sp.GetRequiredService<IOptions<BillingRuntimeOptions>>().Value.Mode == BillingMode.Stripe
            ? ActivatorUtilities.CreateInstance<StripeBillingProvider>(sp)
            : ActivatorUtilities.CreateInstance<OfflineBillingProvider>(sp));
        services.AddScoped<BillingGate>();
        return services;
    }
}
