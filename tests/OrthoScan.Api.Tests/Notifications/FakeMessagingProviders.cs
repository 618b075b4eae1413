using OrthoScan.Api.Tests.Infrastructure;
using WireMock.RequestBuilders;
using WireMock.Server;
using WireMockResponse = WireMock.ResponseBuilders.Response;

namespace OrthoScan.Api.Tests.Notifications;

/// <summary>
/// SendGrid's mail send and Twilio's Messages resource as WireMock on loopback, and an API host configured with both, so
/// our real HTTP clients send. Retries come quickly (200 ms backoff). A test says how each provider answers.
/// </summary>
public sealed class FakeMessagingProviders : IAsyncLifetime
{
    public const string SendGridKey = "SG.test-key";
    public const string TwilioSid = "AC00000000000000000000000000000001";
    public const string TwilioToken = "twilio-test-token";
    public const string TwilioFrom = "+15005550006";
    public const string SendGridPath = "/v3/mail/send";
    public const string TwilioPath = "/2010-04-01/Accounts/" + TwilioSid + "/Messages.json";
    public const string FcmProject = "orthoscan-test";
    public const string FcmClientEmail = "push@orthoscan-test.iam.gserviceaccount.com";
    public const string FcmTokenPath = "/token";
    public const string FcmSendPath = "/v1/projects/" + FcmProject + "/messages:send";
    public const string FcmAccessToken = "ya29.test-access-token";

    /// <summary>The service account's key: the API signs its token requests with it, a test checks them with its public half.</summary>
    public System.Security.Cryptography.RSA ServiceAccountKey { get; } = System.Security.Cryptography.RSA.Create(2048);

    /// <summary>The inbound webhook's public URL as configured at Twilio: what its signatures cover.</summary>
    public const string WebhookUrl = "https://api.orthoscan.test/api/v1/notifications/twilio/inbound";

    public WireMockServer Server { get; } = LoopbackFake.Start();
    public ApiFactory Api { get; } = new();

    public FakeMessagingProviders()
    {
        Api.Settings["OrthoScan:Notifications:SendGrid:ApiKey"] = SendGridKey;
        Api.Settings["OrthoScan:Notifications:SendGrid:ApiBase"] = Server.Url;
        Api.Settings["OrthoScan:Notifications:SendGrid:From"] = "care@orthoscan.test";
        Api.Settings["OrthoScan:Notifications:Twilio:AccountSid"] = TwilioSid;
        Api.Settings["OrthoScan:Notifications:Twilio:AuthToken"] = TwilioToken;
        Api.Settings["OrthoScan:Notifications:Twilio:From"] = TwilioFrom;
        Api.Settings["OrthoScan:Notifications:Twilio:ApiBase"] = Server.Url;
        Api.Settings["OrthoScan:Notifications:Twilio:WebhookUrl"] = WebhookUrl;
        Api.Settings["OrthoScan:Notifications:Fcm:ClientEmail"] = FcmClientEmail;
        Api.Settings["OrthoScan:Notifications:Fcm:PrivateKeyPem"] = ServiceAccountKey.ExportPkcs8PrivateKeyPem();
        Api.Settings["OrthoScan:Notifications:Fcm:ProjectId"] = FcmProject;
        Api.Settings["OrthoScan:Notifications:Fcm:TokenUri"] = Server.Url + FcmTokenPath;
        Api.Settings["OrthoScan:Notifications:Fcm:ApiBase"] = Server.Url;
        Api.Settings["OrthoScan:Jobs:BackoffBase"] = "00:00:00.200";
        Api.Settings["OrthoScan:Jobs:BackoffCap"] = "00:00:00.400";
        Accepts();
    }

    public Task InitializeAsync() => Api.InitializeAsync();

    public async Task DisposeAsync()
    {
        await Api.DisposeAsync();
        ServiceAccountKey.Dispose();
        Server.Stop();
        Server.Dispose();
    }

    /// <summary>Both providers accept: SendGrid 202 with an X-Message-Id, Twilio 201 with a message sid.</summary>
    public void Accepts()
    {
        Server.Reset();
        Server.Given(Request.Create().WithPath(SendGridPath).UsingPost())
            .RespondWith(WireMockResponse.Create().WithStatusCode(202).WithHeader("X-Message-Id", "sg-message-1"));
        Server.Given(Request.Create().WithPath(FcmTokenPath).UsingPost())
            .RespondWith(WireMockResponse.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody($$"""{"access_token":"{{FcmAccessToken}}","expires_in":3599,"token_type":"Bearer"}"""));
        Server.Given(Request.Create().WithPath(FcmSendPath).UsingPost())
            .RespondWith(WireMockResponse.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody($$"""{"name":"projects/{{FcmProject}}/messages/0:1700000000000000%abc"}"""));
        Server.Given(Request.Create().WithPath(TwilioPath).UsingPost())
            .RespondWith(WireMockResponse.Create().WithStatusCode(201).WithHeader("Content-Type", "application/json")
                .WithBody("""{"sid":"SM00000000000000000000000000000001","status":"queued"}"""));
    }

    /// <summary>Both providers answer <paramref name="status"/> to everything.</summary>
    public void Fails(int status)
    {
        Server.Reset();
        Server.Given(Request.Create().UsingPost())
            .RespondWith(WireMockResponse.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json")
                .WithBody("""{"errors":[{"message":"The provider refused it."}]}"""));
    }

    /// <summary>What reached one provider so far, oldest first.</summary>
    public IReadOnlyList<WireMock.Logging.ILogEntry> RequestsTo(string path) =>
        [.. Server.LogEntries.Where(e => e.RequestMessage.Path == path).OrderBy(e => e.RequestMessage.DateTime)];
}
