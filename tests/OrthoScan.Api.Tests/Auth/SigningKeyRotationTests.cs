using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.IdentityModel.JsonWebTokens;
using OrthoScan.Api.Tests.Contract;
using OrthoScan.Api.Tests.Infrastructure;
using Shouldly;

namespace OrthoScan.Api.Tests.Auth;

/// <summary>
/// A fleet of API instances, each on its own loopback port, on one PostgreSQL and Redis, given their signing keys as
/// configuration: each accepts the others' tokens, and a key rotation in two rolling steps (first accept the new key
/// everywhere, then sign with it) signs nobody out at any moment.
/// </summary>
[SuppressMessage("Reliability", "CA1001", Justification = "xunit disposes it through IAsyncLifetime.DisposeAsync.")]
public sealed class SigningKeyRotationTests : IAsyncLifetime
{
    private readonly ApiFactory _api = new();
    private readonly string _old = NewKey();
    private readonly string _new = NewKey();
    private readonly List<WebApplication> _instances = [];
    private readonly List<HttpClient> _clients = [];

    public SigningKeyRotationTests() => _api.Settings["OrthoScan:Auth:SigningKeyPem"] = _old;

    public Task InitializeAsync() => _api.InitializeAsync();

    public async Task DisposeAsync()
    {
        foreach (var client in _clients) client.Dispose();
        foreach (var instance in _instances) await instance.DisposeAsync();
        await _api.DisposeAsync();
    }

    private static string NewKey()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return key.ExportPkcs8PrivateKeyPem();
    }

    /// <summary>Another API instance on the same database and Redis, with these keys, serving on a loopback port of its own.</summary>
    private async Task<HttpClient> InstanceAsync(string current, string? previous)
    {
        _api.Settings["OrthoScan:Auth:SigningKeyPem"] = current;
        _api.Settings["OrthoScan:Auth:PreviousSigningKeyPem"] = previous;
        var instance = _api.BuildHost("api", _ => { }, onLoopbackPort: true);
        _instances.Add(instance);
        await instance.StartAsync();
        var client = new HttpClient { BaseAddress = new Uri(instance.Urls.Single()) };
        _clients.Add(client);
        return client;
    }

    private static async Task<HttpStatusCode> MeAsync(HttpClient instance, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/me");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return (await instance.SendAsync(request)).StatusCode;
    }

    /// <summary>The patient's app refreshing through one instance: a new access token signed by that instance's key.</summary>
    private static async Task<(string Access, string Refresh)> RefreshAsync(HttpClient instance, string refreshToken, string deviceId)
    {
        var grant = await (await instance.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken, deviceId })).ShouldBeAsync<AccessGrantDto>(HttpStatusCode.OK);
        return (grant.AccessToken, grant.RefreshToken.ShouldNotBeNull());
    }

    private static string KeyIdOf(string token) => new JsonWebToken(token).Kid;

    [Fact]
    public async Task Instances_with_the_same_keys_accept_each_others_tokens_and_a_two_step_rotation_signs_nobody_out()
    {
        var owner = await _api.RegisterPracticeAsync("Fleet Clinic");
        var patient = await _api.AddPatientAsync(owner, "Fleet", "Patient");
        var code = (await (await _api.As(owner).PostAsJsonAsync($"/api/v1/patients/{patient.Id}/invite", new { sendBy = "none" }))
            .ShouldBeAsync<PatientInvitationDto>(HttpStatusCode.OK)).Code;
        var deviceId = "fleet-device-" + Guid.NewGuid().ToString("N");

        // Before: two instances with the old key. What one signs, the other accepts.
        var a = await InstanceAsync(_old, null);
        var b = await InstanceAsync(_old, null);
        var device = await (await a.PostAsJsonAsync("/api/v1/auth/patient/activate", new { code, deviceId })).ShouldBeAsync<PatientActivationDto>(HttpStatusCode.OK);
        (await MeAsync(b, device.AccessToken)).ShouldBe(HttpStatusCode.OK);
        var fromB = await RefreshAsync(b, device.RefreshToken, deviceId);
        (await MeAsync(a, fromB.Access)).ShouldBe(HttpStatusCode.OK);

        // Step 1, rolled out everywhere: the new key is accepted, the old one still signs.
        var a1 = await InstanceAsync(_old, previous: _new);
        var b1 = await InstanceAsync(_old, previous: _new);
        var stepOne = await RefreshAsync(a1, fromB.Refresh, deviceId);
        KeyIdOf(stepOne.Access).ShouldBe(KeyIdOf(device.AccessToken), "the old key still signs");
        (await MeAsync(b, stepOne.Access)).ShouldBe(HttpStatusCode.OK, "an instance not yet rolled still accepts it");

        // Step 2: the new key signs, the old one is only accepted. Instances still on step 1 accept the new tokens.
        var a2 = await InstanceAsync(_new, previous: _old);
        var stepTwo = await RefreshAsync(a2, stepOne.Refresh, deviceId);
        KeyIdOf(stepTwo.Access).ShouldNotBe(KeyIdOf(device.AccessToken));
        (await MeAsync(b1, stepTwo.Access)).ShouldBe(HttpStatusCode.OK, "a step-1 instance accepts the new key's tokens");
        (await MeAsync(a2, stepOne.Access)).ShouldBe(HttpStatusCode.OK, "tokens of the old key stay valid until they expire");
        (await MeAsync(b, stepTwo.Access)).ShouldBe(HttpStatusCode.Unauthorized, "skipping step 1 would have signed people out");

        // A token signed with a key no instance holds is refused everywhere.
        var stranger = await InstanceAsync(NewKey(), null);
        var foreign = await RefreshAsync(stranger, stepTwo.Refresh, deviceId);
        (await MeAsync(a2, foreign.Access)).ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task The_key_set_publishes_the_public_halves_of_the_current_and_previous_keys_only()
    {
        var instance = await InstanceAsync(_new, previous: _old);
        var response = await instance.GetAsync("/.well-known/jwks.json");
        response.Headers.CacheControl!.Public.ShouldBeTrue();
        // Read strictly: a private member ("d") would fail the read.
        var set = await response.ShouldBeAsync<JwksDto>(HttpStatusCode.OK);
        var owner = await _api.RegisterPracticeAsync("Jwks Clinic");
        set.Keys.Count.ShouldBe(2);
        foreach (var key in set.Keys) (key.Kty, key.Crv, key.Alg, key.Use).ShouldBe(("EC", "P-256", "ES256", "sig"));
        // The old key's id is the one on the tokens the factory's instance (old key) signs.
        var oldKey = set.Keys.Where(k => k.Kid == KeyIdOf(owner.AccessToken)).ShouldHaveSingleItem();
        // The published key verifies our tokens: other services need nothing else.
        var published = new Microsoft.IdentityModel.Tokens.JsonWebKey { Kty = "EC", Crv = "P-256", X = oldKey.X, Y = oldKey.Y, Kid = oldKey.Kid };
        var validation = await new JsonWebTokenHandler().ValidateTokenAsync(owner.AccessToken, new Microsoft.IdentityModel.Tokens.TokenValidationParameters
        {
            IssuerSigningKey = published, ValidateIssuer = false, ValidateAudience = false,
        });
        validation.IsValid.ShouldBeTrue(validation.Exception?.Message);
    }
}
