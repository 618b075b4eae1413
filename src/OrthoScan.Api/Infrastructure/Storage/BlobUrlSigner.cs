using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;

namespace OrthoScan.Api.Infrastructure.Storage;

/// <summary>
/// What a local store URL allows: one method on one key until an expiry; an upload also fixes type and exact length.
/// <see cref="Subject"/>, when set, names the user the link was minted for (a dataset download audits who it was).
/// </summary>
public sealed record BlobUrlClaims(
    [property: JsonPropertyName("m")] string Method,
    [property: JsonPropertyName("k")] string Key,
    [property: JsonPropertyName("ct")] string? ContentType,
    [property: JsonPropertyName("len")] long? ContentLength,
    [property: JsonPropertyName("exp")] long ExpiresAt,
    [property: JsonPropertyName("n")] string Nonce,
    [property: JsonPropertyName("sub"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Guid? Subject = null);

/// <summary>
/// Tokens of the local store's /api/v1/blobs/{token} URLs:
/// <c>base64url(payload) "." base64url(HMAC-SHA256(url signing key, payload))</c>, the payload being the UTF-8 JSON of
/// <see cref="BlobUrlClaims"/> (method, key, content type, exact length, expiry in unix seconds, 128-bit random nonce)
/// and the signing key derived from the master key for this purpose only.
/// </summary>
public sealed class BlobUrlSigner
{
    public const string Put = "PUT";
    public const string Get = "GET";
    private const int MaxTokenLength = 4096;
    /// <summary>Allowance for clocks when refusing a token that claims to live longer than any we issue.</summary>
    private static readonly TimeSpan Skew = TimeSpan.FromSeconds(30);
    private readonly byte[] _key;
    private readonly TimeProvider _clock;

    public BlobUrlSigner(IOptions<SecretsOptions> options, TimeProvider clock) : this(MasterKeys.Derive(options, MasterKeys.UrlSigning), clock) { }

    public BlobUrlSigner(byte[] signingKey, TimeProvider clock)
    {
        if (signingKey.Length < 32) throw new ArgumentException("The signing key is at least 32 bytes.", nameof(signingKey));
        _key = signingKey;
        _clock = clock;
    }

    public string CreateToken(string method, string key, string? contentType, long? contentLength, DateTimeOffset expiresAt) =>
        Sign(new BlobUrlClaims(method, BlobKeys.Validate(key), contentType, contentLength, expiresAt.ToUnixTimeSeconds(),
            Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16))));

    /// <summary>Signs the claims as given, without the lifetime and length caps that <see cref="IBlobStore"/> applies.</summary>
    public string Sign(BlobUrlClaims claims)
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(claims);
        return Base64Url.EncodeToString(payload) + "." + Base64Url.EncodeToString(HMACSHA256.HashData(_key, payload));
    }

    /// <summary>The claims of a genuine, unexpired token for <paramref name="method"/>; anything else throws a 403 problem.</summary>
    public BlobUrlClaims Verify(string? token, string method)
    {
        if (token is null || token.Length > MaxTokenLength) throw BlobUrlRejectedException.Invalid();
        var dot = token.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || dot != token.LastIndexOf('.')) throw BlobUrlRejectedException.Invalid();
        byte[] payload, signature;
        try
        {
            payload = Base64Url.DecodeFromChars(token.AsSpan(0, dot));
            signature = Base64Url.DecodeFromChars(token.AsSpan(dot + 1));
        }
        catch (FormatException)
        {
            throw BlobUrlRejectedException.Invalid();
        }
        // One spelling per token: base64 leaves spare bits in the last character, which must not make a second valid URL.
        if (!token.AsSpan(0, dot).SequenceEqual(Base64Url.EncodeToString(payload)) || !token.AsSpan(dot + 1).SequenceEqual(Base64Url.EncodeToString(signature)))
            throw BlobUrlRejectedException.Invalid();
        // Constant time, and before the payload is parsed at all.
        if (!CryptographicOperations.FixedTimeEquals(signature, HMACSHA256.HashData(_key, payload))) throw BlobUrlRejectedException.Invalid();

        BlobUrlClaims? claims;
        try
        {
            claims = JsonSerializer.Deserialize<BlobUrlClaims>(payload);
        }
        catch (JsonException)
        {
            throw BlobUrlRejectedException.Invalid();
        }
        if (claims is null || !string.Equals(claims.Method, method, StringComparison.Ordinal) || !BlobKeys.IsValid(claims.Key))
            throw BlobUrlRejectedException.Invalid();

        var now = _clock.GetUtcNow();
        var maxLifetime = method == Put ? BlobLimits.MaxUploadLifetime : BlobLimits.MaxDownloadLifetime;
        if (claims.ExpiresAt <= now.ToUnixTimeSeconds() || claims.ExpiresAt > (now + maxLifetime + Skew).ToUnixTimeSeconds())
            throw BlobUrlRejectedException.Invalid();
        if (method == Put && (claims.ContentType is null || claims.ContentLength is not > 0)) throw BlobUrlRejectedException.Invalid();
        return claims;
    }
}

/// <summary>A blob URL that is not genuine, has expired, or is used for another method, key, type or length: 403.</summary>
public sealed class BlobUrlRejectedException(string detail)
    : ProblemException(StatusCodes.Status403Forbidden, "blob-url-rejected", "The link is not valid for this request.", detail)
{
    public static BlobUrlRejectedException Invalid() => new("The link is invalid or has expired; ask for a new one.");
}

/// <summary>An upload body beyond <see cref="BlobLimits.MaxUploadBytes"/>: 413.</summary>
public sealed class BlobTooLargeException()
    : ProblemException(StatusCodes.Status413PayloadTooLarge, "payload-too-large", "The request body is too large.", $"An upload is at most {BlobLimits.MaxUploadBytes} bytes.");
