using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using OrthoScan.Api.Tests.Infrastructure;
using WireMock.Logging;
using WireMock.RequestBuilders;
using WireMock.Server;
using WireMockResponse = WireMock.ResponseBuilders.Response;

namespace OrthoScan.Api.Tests.Billing;

/// <summary>
/// Stripe's API as WireMock on loopback, and the API host pointed at it (Stripe billing mode). A test states what Stripe
/// holds now (<see cref="HasSubscription"/>, <see cref="HasInvoice"/>), signs events as Stripe would and reads the
/// requests our API sent.
/// </summary>
public sealed class FakeStripe : IAsyncLifetime
{
    public const string SecretKey = "sk_test_orthoscan_fake";
    public const string WebhookSecret = "whsec_orthoscan_fake";
    public const string StarterPrice = "price_starter_test";
    public const string ProfessionalPrice = "price_professional_test";

    public WireMockServer Server { get; } = LoopbackFake.Start();
    public ApiFactory Api { get; } = new();

    public FakeStripe()
    {
        Api.Settings["OrthoScan:Billing:Stripe:SecretKey"] = SecretKey;
        Api.Settings["OrthoScan:Billing:Stripe:WebhookSecret"] = WebhookSecret;
        Api.Settings["OrthoScan:Billing:Stripe:ApiBase"] = Server.Url;
        Api.Settings["OrthoScan:Billing:Stripe:ReturnUrl"] = "http://127.0.0.1:5080/billing/";
        Api.Settings["OrthoScan:Billing:GracePeriod"] = "1.00:00:00";
        Api.Settings["OrthoScan:Billing:Plans:Starter:StripePriceId"] = StarterPrice;
        Api.Settings["OrthoScan:Billing:Plans:Starter:MonthlyPriceMinor"] = "19900";
        Api.Settings["OrthoScan:Billing:Plans:Starter:ActivePatientLimit"] = "100";
        Api.Settings["OrthoScan:Billing:Plans:Professional:StripePriceId"] = ProfessionalPrice;
        Api.Settings["OrthoScan:Billing:Plans:Professional:MonthlyPriceMinor"] = "49900";
        Api.Settings["OrthoScan:Billing:Plans:Professional:ActivePatientLimit"] = "500";
    }

    public Task InitializeAsync() => Api.InitializeAsync();

    public async Task DisposeAsync()
    {
        await Api.DisposeAsync();
        Server.Stop();
        Server.Dispose();
    }

    /// <summary>A customer and a checkout session of the next checkout, with ids of their own.</summary>
    public (string CustomerId, string SessionId, string CheckoutUrl) ExpectCheckout()
    {
        var suffix = Guid.NewGuid().ToString("N")[..12];
        var (customer, session, url) = ("cus_" + suffix, "cs_" + suffix, "https://checkout.stripe.test/c/" + suffix);
        Server.Given(Request.Create().WithPath("/v1/customers").UsingPost())
            .RespondWith(Json(new JsonObject { ["id"] = customer, ["object"] = "customer" }));
        Server.Given(Request.Create().WithPath("/v1/checkout/sessions").UsingPost())
            .RespondWith(Json(new JsonObject { ["id"] = session, ["object"] = "checkout.session", ["url"] = url, ["customer"] = customer, ["mode"] = "subscription" }));
        return (customer, session, url);
    }

    /// <summary>The checkout session as Stripe holds it once completed: it points at the subscription.</summary>
    public void HasCompletedSession(string sessionId, string customerId, string subscriptionId) =>
        Server.Given(Request.Create().WithPath($"/v1/checkout/sessions/{sessionId}").UsingGet())
            .RespondWith(Json(new JsonObject
            {
                ["id"] = sessionId, ["object"] = "checkout.session", ["customer"] = customerId, ["subscription"] = subscriptionId, ["status"] = "complete",
            }));

    /// <summary>The subscription as Stripe holds it now; later calls replace it.</summary>
    public void HasSubscription(string subscriptionId, string customerId, Guid practiceId, string status, string price, DateTime periodStart, DateTime? trialEnd = null)
    {
        Server.Given(Request.Create().WithPath($"/v1/subscriptions/{subscriptionId}").UsingGet())
            .RespondWith(Json(Subscription(subscriptionId, customerId, practiceId, status, price, periodStart, trialEnd)));
    }

    public static JsonObject Subscription(string id, string customerId, Guid practiceId, string status, string price, DateTime periodStart, DateTime? trialEnd = null) => new()
    {
        ["id"] = id, ["object"] = "subscription", ["customer"] = customerId, ["status"] = status,
        ["metadata"] = new JsonObject { ["practice_id"] = practiceId.ToString() },
        ["trial_end"] = trialEnd is { } end ? Unix(end) : null,
        ["items"] = new JsonObject
        {
            ["object"] = "list",
            ["data"] = new JsonArray(new JsonObject
            {
                ["id"] = "si_" + id, ["object"] = "subscription_item", ["current_period_start"] = Unix(periodStart),
                ["current_period_end"] = Unix(periodStart.AddMonths(1)), ["price"] = new JsonObject { ["id"] = price, ["object"] = "price" },
            }),
        },
    };

    public void HasInvoice(string invoiceId, string customerId, string subscriptionId, string status, long total, DateTime periodStart) =>
        Server.Given(Request.Create().WithPath($"/v1/invoices/{invoiceId}").UsingGet())
            .RespondWith(Json(new JsonObject
            {
                ["id"] = invoiceId, ["object"] = "invoice", ["customer"] = customerId, ["status"] = status, ["number"] = "ORTHO-" + invoiceId[^6..],
                ["subtotal"] = total, ["total"] = total, ["currency"] = "usd", ["hosted_invoice_url"] = "https://invoice.stripe.test/" + invoiceId,
                ["period_start"] = Unix(periodStart), ["period_end"] = Unix(periodStart),
                ["parent"] = new JsonObject
                {
                    ["type"] = "subscription_details", ["subscription_details"] = new JsonObject { ["subscription"] = subscriptionId },
                },
                ["lines"] = new JsonObject
                {
                    ["object"] = "list",
                    ["data"] = new JsonArray(new JsonObject
                    {
                        ["id"] = "il_" + invoiceId, ["object"] = "line_item",
                        ["period"] = new JsonObject { ["start"] = Unix(periodStart), ["end"] = Unix(periodStart.AddMonths(1)) },
                    }),
                },
            }));

    public void HasPortal(string url) =>
        Server.Given(Request.Create().WithPath("/v1/billing_portal/sessions").UsingPost())
            .RespondWith(Json(new JsonObject { ["id"] = "bps_test", ["object"] = "billing_portal.session", ["url"] = url }));

    public void AcceptsCoupons(string couponId, string subscriptionId, string customerId, Guid practiceId)
    {
        Server.Given(Request.Create().WithPath("/v1/coupons").UsingPost())
            .RespondWith(Json(new JsonObject { ["id"] = couponId, ["object"] = "coupon", ["duration"] = "once" }));
        Server.Given(Request.Create().WithPath($"/v1/subscriptions/{subscriptionId}").UsingPost())
            .RespondWith(Json(Subscription(subscriptionId, customerId, practiceId, "active", StarterPrice, DateTime.UtcNow.Date)));
    }

    /// <summary>The requests our API sent to Stripe at <paramref name="path"/>, by method.</summary>
    public List<ILogEntry> Requests(string method, string path) =>
        [.. Server.LogEntries.Where(e => e.RequestMessage.Method == method && e.RequestMessage.Path == path)];

    public static string FormOf(ILogEntry entry) => WebUtility.UrlDecode(entry.RequestMessage.Body ?? "");

    /// <summary>An event as Stripe sends it: its object (often stale: the handler must fetch the current one).</summary>
    public static string Event(string type, JsonObject dataObject, string? id = null) => new JsonObject
    {
        ["id"] = id ?? "evt_" + Guid.NewGuid().ToString("N"), ["object"] = "event", ["api_version"] = "2020-08-27", ["type"] = type,
        ["created"] = Unix(DateTime.UtcNow), ["livemode"] = false, ["data"] = new JsonObject { ["object"] = dataObject },
    }.ToJsonString();

    /// <summary>Stripe's signature header: <c>t={unix},v1=hex(HMACSHA256(secret, "{t}.{payload}"))</c>.</summary>
    public static string Sign(string payload, DateTime at, string secret = WebhookSecret)
    {
        var t = Unix(at);
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{t}.{payload}"));
        return $"t={t},v1={Convert.ToHexStringLower(mac)}";
    }

    public static long Unix(DateTime at) => new DateTimeOffset(at).ToUnixTimeSeconds();

    private static WireMock.ResponseBuilders.IResponseBuilder Json(JsonObject body) =>
        WireMockResponse.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(body.ToJsonString());
}
