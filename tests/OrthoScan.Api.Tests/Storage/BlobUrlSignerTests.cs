using System.Buffers.Text;
using System.Text;
using OrthoScan.Api.Infrastructure.Storage;
using OrthoScan.Api.Tests.Contract;
using Shouldly;
using static OrthoScan.Api.Tests.Storage.StorageTestKit;

namespace OrthoScan.Api.Tests.Storage;

/// <summary>base64url(payload).base64url(HMAC-SHA256(key, payload)): genuine, unexpired and for this method, or 403.</summary>
public sealed class BlobUrlSignerTests
{
    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly BlobUrlSigner _signer;

    public BlobUrlSignerTests() => _signer = new BlobUrlSigner(RandomBytes(32), _clock);

    private string Upload(string key = "practices/p/a.jpg", long length = 1234) =>
        _signer.CreateToken(BlobUrlSigner.Put, key, "image/jpeg", length, _clock.Now.AddMinutes(5));

    [Fact]
    public void A_token_carries_method_key_type_length_expiry_and_a_random_nonce()
    {
        var token = Upload();
        var parts = token.Split('.');
        parts.Length.ShouldBe(2);
        Base64Url.DecodeFromChars(parts[1]).Length.ShouldBe(32);
        var payload = ContractJson.Read<TokenPayload>(Encoding.UTF8.GetString(Base64Url.DecodeFromChars(parts[0])));
        payload.M.ShouldBe("PUT");
        payload.K.ShouldBe("practices/p/a.jpg");
        payload.Ct.ShouldBe("image/jpeg");
        payload.Len.ShouldBe(1234);
        payload.Exp.ShouldBe(_clock.Now.AddMinutes(5).ToUnixTimeSeconds());
        Base64Url.DecodeFromChars(payload.N).Length.ShouldBe(16);
        Upload().ShouldNotBe(token, "each token has its own nonce");

        var claims = _signer.Verify(token, BlobUrlSigner.Put);
        claims.Key.ShouldBe("practices/p/a.jpg");
        claims.ContentLength.ShouldBe(1234);
    }

    [Fact]
    public void Any_changed_character_is_refused()
    {
        var token = Upload();
        for (var i = 0; i < token.Length; i++)
        {
            if (token[i] == '.') continue;
            var tampered = token[..i] + (token[i] == 'A' ? 'B' : 'A') + token[(i + 1)..];
            Should.Throw<BlobUrlRejectedException>(() => _signer.Verify(tampered, BlobUrlSigner.Put), $"character {i}");
        }
    }

    [Fact]
    public void A_re_targeted_token_is_refused()
    {
        var mine = Upload("practices/p/mine.jpg").Split('.');
        var theirs = Upload("practices/p/theirs.jpg").Split('.');
        // Their payload under my signature, and my payload edited to their key.
        Should.Throw<BlobUrlRejectedException>(() => _signer.Verify(theirs[0] + "." + mine[1], BlobUrlSigner.Put));
        var edited = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(mine[0])).Replace("mine.jpg", "theirs.jpg", StringComparison.Ordinal);
        Should.Throw<BlobUrlRejectedException>(() => _signer.Verify(Base64Url.EncodeToString(Encoding.UTF8.GetBytes(edited)) + "." + mine[1], BlobUrlSigner.Put));
        // Another method.
        Should.Throw<BlobUrlRejectedException>(() => _signer.Verify(string.Join('.', mine), BlobUrlSigner.Get));
        var download = _signer.CreateToken(BlobUrlSigner.Get, "practices/p/mine.jpg", null, null, _clock.Now.AddMinutes(1));
        Should.Throw<BlobUrlRejectedException>(() => _signer.Verify(download, BlobUrlSigner.Put));
        // Another signing key (another deployment, or a rotated master key).
        Should.Throw<BlobUrlRejectedException>(() => new BlobUrlSigner(RandomBytes(32), _clock).Verify(string.Join('.', mine), BlobUrlSigner.Put));
    }

    [Fact]
    public void A_token_expires_at_its_second()
    {
        var token = Upload();
        _clock.Now = _clock.Now.AddMinutes(5).AddSeconds(-1);
        _signer.Verify(token, BlobUrlSigner.Put).ShouldNotBeNull();
        _clock.Now = _clock.Now.AddSeconds(1);
        Should.Throw<BlobUrlRejectedException>(() => _signer.Verify(token, BlobUrlSigner.Put));
    }

    [Fact]
    public void A_token_that_claims_a_longer_life_than_any_issued_is_refused()
    {
        var upload = _signer.CreateToken(BlobUrlSigner.Put, "k.jpg", "image/jpeg", 10, _clock.Now.AddHours(1));
        Should.Throw<BlobUrlRejectedException>(() => _signer.Verify(upload, BlobUrlSigner.Put));
        var download = _signer.CreateToken(BlobUrlSigner.Get, "k.jpg", null, null, _clock.Now.AddDays(1));
        Should.Throw<BlobUrlRejectedException>(() => _signer.Verify(download, BlobUrlSigner.Get));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("abc")]
    [InlineData("a.b.c")]
    [InlineData("!!!.###")]
    [InlineData("e30.AAAA")]
    public void Garbage_is_refused(string? token) =>
        Should.Throw<BlobUrlRejectedException>(() => _signer.Verify(token, BlobUrlSigner.Put));

    [Fact]
    public void A_genuine_payload_with_a_hostile_key_is_refused() =>
        Should.Throw<BlobUrlRejectedException>(() => _signer.Verify(
            _signer.Sign(new BlobUrlClaims("GET", "../../etc/passwd", null, null, _clock.Now.AddMinutes(1).ToUnixTimeSeconds(), "n")), BlobUrlSigner.Get));

    [Fact]
    public void An_overlong_token_is_refused_before_any_work() =>
        Should.Throw<BlobUrlRejectedException>(() => _signer.Verify(new string('A', 5000) + ".AAAA", BlobUrlSigner.Put));

    /// <summary>The token's payload as the signer writes it: short member names, each of them, and nothing else.</summary>
    private sealed record TokenPayload(string M, string K, string? Ct, long? Len, long Exp, string N);
}
