using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace OrthoScan.Api.Infrastructure.Security;

/// <summary>
/// Failed sign-in attempts (wrong password or wrong MFA code) per account, and the lockout that follows.
/// Kept in Redis so that a failure is counted even though the request's transaction rolls back, and on every instance.
/// </summary>
public sealed class LoginGuard(IConnectionMultiplexer redis, IOptions<RedisOptions> redisOptions, AuthOptions options)
{
    public async Task<TimeSpan?> LockedForAsync(Guid accountId)
    {
        var ttl = await redis.GetDatabase().KeyTimeToLiveAsync(Key("locked", accountId));
        return ttl is { } remaining && remaining > TimeSpan.Zero ? remaining : null;
    }

    /// <summary>423 with Retry-After while the account is locked; the same answer for the password and the code step.</summary>
    public async Task ThrowIfLockedAsync(Guid accountId)
    {
        if (await LockedForAsync(accountId) is { } locked)
            throw new ProblemException(StatusCodes.Status423Locked, "account-locked", "Account temporarily locked",
                "Too many failed sign-ins. Try again later or ask your practice owner.") { RetryAfter = locked };
    }

    public async Task RecordFailureAsync(Guid accountId)
    {
        var db = redis.GetDatabase();
        var failures = await db.StringIncrementAsync(Key("failures", accountId));
        await db.KeyExpireAsync(Key("failures", accountId), options.LockoutDuration);
        if (failures >= options.MaxFailedLogins)
        {
            await db.StringSetAsync(Key("locked", accountId), "1", options.LockoutDuration);
            await db.KeyDeleteAsync(Key("failures", accountId));
        }
    }

    public Task ResetAsync(Guid accountId) => redis.GetDatabase().KeyDeleteAsync(Key("failures", accountId));

    private RedisKey Key(string kind, Guid accountId) => $"{redisOptions.Value.KeyPrefix}login:{kind}:{accountId}";
}
