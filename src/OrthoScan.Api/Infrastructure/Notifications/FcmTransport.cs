using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace OrthoScan.Api.Infrastructure.Notifications;

/// <summary>
/// Push through FCM HTTP v1: an OAuth access token for the service account (a JWT it signs, exchanged at Google's token
/// endpoint, reused until shortly before it expires), then one <c>messages:send</c> per notification. The push carries the
/// notice's title and text, which say nothing clinical, and as data only the name of the app screen a tap opens.
/// </summary>
public sealed class FcmTransport(HttpClient http, FcmAccessTokens tokens, IOptions<NotificationsOptions> options) : INotificationTransport
{
    public string Name => "fcm";

    public async Task<string> SendAsync(OutgoingNotification n, CancellationToken ct)
    {
        var settings = options.Value.Fcm;
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(new Uri(settings.ApiBase), $"/v1/projects/{settings.ProjectId}/messages:send"))
        {
            Content = JsonContent.Create(new JsonObject
            {
                ["message"] = new JsonObject
                {
                    ["token"] = n.Recipient,
                    ["notification"] = new JsonObject { ["title"] = n.Content.Subject, ["body"] = n.Content.Body },
                    ["data"] = n.Content.AppScreen is { } screen ? new JsonObject { ["screen"] = screen } : null,
                },
            }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await tokens.GetAsync(http, ct));
        using var response = await http.SendAsync(request, ct);
        await ProviderResponses.EnsureAcceptedAsync(response, "FCM", ct);
        var body = await response.Content.ReadFromJsonAsync<JsonObject>(ct);
        return body?["name"]?.GetValue<string>() ?? throw new HttpRequestException("FCM accepted the message without a name.");
    }
}

/// <summary>The service account's OAuth access token, shared by every send of this process until a minute before it expires.</summary>
public sealed class FcmAccessTokens(IOptions<NotificationsOptions> options, TimeProvider clock) : IDisposable
{
    private const string Scope = "https://www.googleapis.com/auth/firebase.messaging";
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private (string Token, DateTime ExpiresAt)? _current;

    public async Task<string> GetAsync(HttpClient http, CancellationToken ct)
    {
        if (_current is { } current && current.ExpiresAt > clock.UtcNow().AddMinutes(1)) return current.Token;
        await _refresh.WaitAsync(ct);
        try
        {
            if (_current is { } fresh && fresh.ExpiresAt > clock.UtcNow().AddMinutes(1)) return fresh.Token;
            var settings = options.Value.Fcm;
            using var form = new FormUrlEncodedContent(
            [
                new("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"), new("assertion", Assertion(settings)),
            ]);
            using var response = await http.PostAsync(settings.TokenUri, form, ct);
            if (!response.IsSuccessStatusCode) throw new HttpRequestException($"Google's token endpoint answered {(int)response.StatusCode}.", null, response.StatusCode);
            var body = await response.Content.ReadFromJsonAsync<JsonObject>(ct);
            var token = body?["access_token"]?.GetValue<string>() ?? throw new HttpRequestException("Google's token endpoint answered no access_token.");
            var seconds = body["expires_in"]?.GetValue<int>() ?? 3600;
            _current = (token, clock.UtcNow().AddSeconds(seconds));
            return token;
        }
        finally
        {
            _refresh.Release();
        }
    }

    public void Dispose() => _refresh.Dispose();

    private string Assertion(FcmSettings settings)
    {
        using var rsa = RSA.Create();
        rsa.ImportFromPem(settings.PrivateKeyPem);
        var now = clock.UtcNow();
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = settings.ClientEmail,
            Audience = settings.TokenUri,
            Claims = new Dictionary<string, object> { ["scope"] = Scope },
            IssuedAt = now,
            Expires = now.AddHours(1),
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(rsa.ExportParameters(true)), SecurityAlgorithms.RsaSha256),
        });
    }
}
