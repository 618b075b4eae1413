using System.Net.Http.Json;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using OrthoScan.Api.Tests.Contract;
using OrthoScan.Api.Tests.Infrastructure;
using OtpNet;
using Shouldly;

namespace OrthoScan.Api.Tests.Auth;

/// <summary>What a copy of the database gives away: no TOTP secret and no invitation code in the clear.</summary>
[Collection(ApiCollection.Name)]
public sealed class SecretsAtRestTests(ApiFactory api)
{
    [Fact]
    public async Task The_totp_secret_is_stored_only_encrypted()
    {
        var owner = await api.RegisterPracticeAsync();
        var secret = Base32Encoding.ToBytes(owner.TotpSecret);

        await using var db = await Sql.OpenAsync(api.OwnerConnectionString);
        var stored = await db.ScalarAsync<byte[]>("SELECT totp_secret_encrypted FROM user_accounts WHERE id = @id", ("id", owner.UserId));

        stored.Length.ShouldBeGreaterThanOrEqualTo(secret.Length + 12 + 16, "a nonce and an authentication tag beside the ciphertext (AES-GCM)");
        Contains(stored, secret).ShouldBeFalse();
        Contains(stored, Encoding.ASCII.GetBytes(owner.TotpSecret)).ShouldBeFalse();
    }

    [Fact]
    public async Task An_invitation_code_is_stored_only_as_its_hash()
    {
        var (patientId, code) = await InvitePatientAsync();

        await using var db = await Sql.OpenAsync(api.OwnerConnectionString);
        var hash = await db.ScalarAsync<byte[]>("SELECT code_hash FROM one_time_codes WHERE subject_id = @p AND used_at IS NULL", ("p", patientId));
        var row = await db.ScalarAsync<string>("SELECT row_to_json(c)::text FROM one_time_codes c WHERE subject_id = @p AND used_at IS NULL", ("p", patientId));

        hash.ShouldBe(SHA256.HashData(Encoding.UTF8.GetBytes(code.Replace("-", "", StringComparison.Ordinal).ToUpperInvariant())));
        row.ShouldNotContain(code.Replace("-", "", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_expired_code_and_a_code_replaced_by_a_newer_one_are_refused()
    {
        var (patientId, first) = await InvitePatientAsync();
        var second = await InviteAgainAsync(patientId);
        await (await Activate(first)).ShouldFailAsync(HttpStatusCode.UnprocessableEntity, "invalid-invitation");

        await using (var db = await Sql.OpenAsync(api.OwnerConnectionString))
            await db.ExecuteAsync("UPDATE one_time_codes SET expires_at = now() - interval '1 second' WHERE subject_id = @p AND used_at IS NULL", ("p", patientId));

        await (await Activate(second)).ShouldFailAsync(HttpStatusCode.UnprocessableEntity, "invalid-invitation");
    }

    private Session? _owner;

    private async Task<(Guid PatientId, string Code)> InvitePatientAsync()
    {
        _owner ??= await api.RegisterPracticeAsync();
        var patientId = (await api.AddPatientAsync(_owner)).Id;
        return (patientId, await InviteAgainAsync(patientId));
    }

    private async Task<string> InviteAgainAsync(Guid patientId) =>
        (await (await api.As(_owner!).PostAsJsonAsync($"/api/v1/patients/{patientId}/invite", new { })).ShouldBeAsync<PatientInvitationDto>(HttpStatusCode.OK)).Code;

    private Task<HttpResponseMessage> Activate(string code) =>
        api.CreateClient().PostAsync("/api/v1/auth/patient/activate",
            System.Net.Http.Json.JsonContent.Create(new { code, deviceId = "secrets-at-rest-device-01" }));

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;
}
