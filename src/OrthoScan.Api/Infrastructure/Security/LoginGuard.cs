using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace OrthoScan.Api.Infrastructure.Security;

/// <summary>
/// Sign-in attempts (password or MFA code) per account, and the lockout that follows too many failures.
/// An attempt is counted in one atomic Redis step <em>before</em> the secret is compared, so parallel guesses cannot
/// outrun the count: of 30 simultaneous wrong codes at most <see cref="AuthOptions.MaxFailedLogins"/> are evaluated.
/// Kept in Redis so that a failure is counted even though the request's transaction rolls back, and on every instance.
/// </summary>
public sealed class LoginGuard(IConnectionMultiplexer redis, IOptions<RedisOptions> redisOptions, AuthOptions options)
{
    // Returns the attempt's number, or minus the lock's remaining milliseconds when it may not be made. The attempt
    // past the limit starts the lock, so the account is locked once the limit of failures has been reached.
    private const string BeginScript = """
        local locked = redis.call('PTTL', KEYS[2])
        if locked > 0 then return -locked end
        local n = redis.call('INCR', KEYS[1])
        if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
        if n > tonumber(ARGV[1]) then
          redis.call('SET', KEYS[2], '1', 'PX', ARGV[2])
          redis.call('DEL', KEYS[1])
          return -tonumber(ARGV[2])
        end
        return n
        """;

    private const string ReleaseScript = """
        if redis.call('GET', KEYS[1]) and tonumber(redis.call('GET', KEYS[1])) > 0 then return redis.call('DECR', KEYS[1]) end
        return 0
        """;

    private const string TicketScript = """
        if redis.call('EXISTS', KEYS[2]) == 1 then return -1 end
        local n = redis.call('INCR', KEYS[1])
        if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
        if n > tonumber(ARGV[1]) then return -1 end
        return n
        """;

    /// <summary>
    /// Counts one attempt against the account before its secret is checked; 423 with Retry-After while the account is
    /// locked or when this attempt is past the limit. An attempt that is not followed by <see cref="ReleaseAsync"/>
    /// or <see cref="ResetAsync"/> stays counted as a failure.
    /// </summary>
    public async Task BeginAttemptAsync(Guid accountId)
    {
        var result = (long)await redis.GetDatabase().ScriptEvaluateAsync(BeginScript,
            [Key("attempts", accountId), Key("locked", accountId)],
            [options.MaxFailedLogins, (long)options.LockoutDuration.TotalMilliseconds]);
        if (result < 0) throw Locked(TimeSpan.FromMilliseconds(-result));
    }

    /// <summary>The attempt was right but the sign-in is not complete yet (the password step before MFA): it does not count.</summary>
    public Task ReleaseAsync(Guid accountId) =>
        redis.GetDatabase().ScriptEvaluateAsync(ReleaseScript, [Key("attempts", accountId)]);

    /// <summary>The sign-in is complete: earlier failures are forgiven.</summary>
    public Task ResetAsync(Guid accountId) => redis.GetDatabase().KeyDeleteAsync(Key("attempts", accountId));

    /// <summary>
    /// Counts one attempt with an MFA token before its code is checked: a token is good for
    /// <see cref="AuthOptions.MaxFailedLogins"/> attempts and is spent by its first success (401 after either).
    /// </summary>
    public async Task BeginTicketAttemptAsync(string tokenId)
    {
        var result = (long)await redis.GetDatabase().ScriptEvaluateAsync(TicketScript,
            [Key("mfa-tries", tokenId), Key("mfa-spent", tokenId)],
            [options.MaxFailedLogins, (long)(options.MfaTokenLifetime + options.ClockSkew).TotalMilliseconds]);
        if (result < 0)
            throw new UnauthorizedException("mfa-token-locked", "This sign-in step can no longer be used.", "Sign in again with your password.");
    }

    /// <summary>Marks the MFA token used; false when another request spent it first (only one session per token).</summary>
    public Task<bool> SpendTicketAsync(string tokenId) =>
        redis.GetDatabase().StringSetAsync(Key("mfa-spent", tokenId), "1", options.MfaTokenLifetime + options.ClockSkew, When.NotExists);

    /// <summary>The same answer for the password and the code step.</summary>
    private static ProblemException Locked(TimeSpan retryAfter) =>
        new(StatusCodes.Status423Locked, "account-locked", "Account temporarily locked",
            "Too many failed sign-ins. Try again later or ask your practice owner.") { RetryAfter = retryAfter };

    private RedisKey Key(string kind, Guid accountId) => Key(kind, accountId.ToString());

    private RedisKey Key(string kind, string id) => $"{redisOptions.Value.KeyPrefix}login:{kind}:{id}";
}
