using System.Text.Json;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace OrthoScan.Api.Infrastructure.Caching;

/// <summary>
/// Read models cached in Redis per practice. Every entry's key carries the practice's generation number:
/// <see cref="InvalidateAsync"/> bumps it, which orphans all of the practice's entries at once (they expire with their
/// lifetime) without listing or deleting keys. The generation key itself never expires: if it did, the counter could
/// restart and meet entries from its first run that are still alive.
/// </summary>
public sealed class PracticeCache(IConnectionMultiplexer redis, IOptions<RedisOptions> options, ILogger<PracticeCache> logger)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    private static readonly JsonSerializerOptions Json = CreateJson();

    /// <summary>
    /// The cached value for <paramref name="key"/> (the use case and its query parameters), else <paramref name="create"/>'s,
    /// stored for <see cref="Lifetime"/>. Without Redis the value is computed every time rather than failing the request.
    /// </summary>
    public async Task<T> GetOrCreateAsync<T>(Guid practiceId, string key, Func<CancellationToken, Task<T>> create, CancellationToken ct)
    {
        var db = redis.GetDatabase();
        RedisKey? entryKey = null;
        try
        {
            entryKey = await EntryKeyAsync(practiceId, key);
            var cached = await db.StringGetAsync(entryKey.Value);
            if (cached.HasValue) return JsonSerializer.Deserialize<T>((string)cached!, Json)!;
        }
        catch (RedisException e)
        {
            logger.LogWarning(e, "Cache read for {Key} failed; computing without the cache", key);
        }

        var value = await create(ct);
        if (entryKey is { } k)
        {
            try
            {
                await db.StringSetAsync(k, JsonSerializer.Serialize(value, Json), Lifetime);
            }
            catch (RedisException e)
            {
                logger.LogWarning(e, "Cache write for {Key} failed", key);
            }
        }
        return value;
    }

    /// <summary>Drops every cached entry of the practice (by moving it to a new generation).</summary>
    public Task InvalidateAsync(Guid practiceId) => redis.GetDatabase().StringIncrementAsync(GenerationKey(practiceId));

    /// <summary>The Redis key the entry for <paramref name="key"/> lives under now (tests look it up).</summary>
    public async Task<RedisKey> EntryKeyAsync(Guid practiceId, string key)
    {
        var generation = (long?)await redis.GetDatabase().StringGetAsync(GenerationKey(practiceId)) ?? 0;
        return $"{options.Value.KeyPrefix}cache:{practiceId}:{generation}:{key}";
    }

    private RedisKey GenerationKey(Guid practiceId) => $"{options.Value.KeyPrefix}cache:{practiceId}:generation";

    private static JsonSerializerOptions CreateJson()
    {
        var json = new JsonSerializerOptions();
        ServiceSetup.ConfigureJson(json);
        return json;
    }
}
