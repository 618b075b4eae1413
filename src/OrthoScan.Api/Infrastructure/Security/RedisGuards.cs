using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace OrthoScan.Api.Infrastructure.Security;

/// <summary>
/// Fixed-window counters in Redis, so a limit holds across every API instance.
/// </summary>
public sealed class RateLimiter(IConnectionMultiplexer redis, IOptions<RedisOptions> options, TimeProvider clock)
{
    private const string CountScript = """
        local n = redis.call('INCR', KEYS[1])
        if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
        return n
        """;

    public async Task<TimeSpan?> HitAsync(string bucket, string key, int limit, TimeSpan window)
    {
        var windowIndex = clock.GetUtcNow().ToUnixTimeSeconds() / (long)window.TotalSeconds;
        var redisKey = $"{options.Value.KeyPrefix}rl:{bucket}:{key}:{windowIndex}";
        // One step, so a counter can never be left without its expiry (which would block its key for good).
        var count = (long)await redis.GetDatabase().ScriptEvaluateAsync(CountScript, [redisKey], [(long)window.TotalMilliseconds]);
        if (count <= limit) return null;
        var windowEnds = DateTimeOffset.FromUnixTimeSeconds((windowIndex + 1) * (long)window.TotalSeconds);
        var retryAfter = windowEnds - clock.GetUtcNow();
        return retryAfter < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : retryAfter;
    }
}

/// <summary>Revoked session families and access tokens, checked on every authenticated request.</summary>
public sealed class TokenRevocations(IConnectionMultiplexer redis, IOptions<RedisOptions> options, AuthOptions auth)
{
    public async Task RevokeFamilyAsync(Guid family)
    {
        await redis.GetDatabase().StringSetAsync(Key("family", family.ToString()), "1", auth.RefreshTokenLifetime > auth.PatientRefreshTokenLifetime ? auth.RefreshTokenLifetime : auth.PatientRefreshTokenLifetime);
        // Live connections of the sign-in close now, not when their access token expires (LiveThreadRelay listens).
        await redis.GetSubscriber().PublishAsync(RevokedFamilies, family.ToString());
    }

    public RedisChannel RevokedFamilies => RedisChannel.Literal(options.Value.KeyPrefix + "revoked:families");

    public Task RevokeTokenAsync(string jti) =>
        redis.GetDatabase().StringSetAsync(Key("jti", jti), "1", auth.AccessTokenLifetime + auth.ClockSkew);

    public async Task<bool> IsRevokedAsync(string? family, string? jti)
    {
        var db = redis.GetDatabase();
        var keys = new List<RedisKey>();
        if (family is not null) keys.Add(Key("family", family));
        if (jti is not null) keys.Add(Key("jti", jti));
        return keys.Count > 0 && await db.KeyExistsAsync([.. keys]) > 0;
    }

    private RedisKey Key(string kind, string id) => $"{options.Value.KeyPrefix}revoked:{kind}:{id}";
}
