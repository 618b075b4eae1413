using System.Net.Sockets;
using Amazon.Runtime;
using Npgsql;
using StackExchange.Redis;

namespace OrthoScan.Api.Infrastructure.Errors;

/// <summary>
/// Recognises a failure of something we depend on (PostgreSQL, Redis, the blob store or another service over the
/// network) anywhere in an exception's chain. Such a request answers 503 with Retry-After, never 500: nothing is wrong
/// with the request, and it can be sent again once the dependency is back.
/// </summary>
public static class DependencyFailures
{
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    /// <returns>The dependency that failed ("database", "redis", "storage", "billing", "network"), or null for any other exception.</returns>
    public static string? Classify(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case RedisException or RedisTimeoutException:
                    return "redis";
                case PostgresException postgres:
                    return IsUnavailable(postgres.SqlState) ? "database" : null;
                case NpgsqlException:
                    // Not a PostgresException: the server never answered (refused, reset, timed out).
                    return "database";
                case AmazonServiceException { StatusCode: >= System.Net.HttpStatusCode.InternalServerError }:
                case AmazonClientException when e.InnerException is HttpRequestException or SocketException or IOException:
                    return "storage";
                case Stripe.StripeException { HttpStatusCode: >= System.Net.HttpStatusCode.InternalServerError or System.Net.HttpStatusCode.TooManyRequests }:
                    return "billing";
                case HttpRequestException or SocketException:
                    return "network";
            }
        }
        return null;
    }

    /// <summary>
    /// <see cref="Classify"/>, or "database" for a statement PostgreSQL stopped at the app role's lock_timeout (55P03) or
    /// statement_timeout (57014), which a request answers as `database-busy`: everything that is worth trying again later.
    /// </summary>
    public static string? Unavailable(Exception exception) => IsDatabaseTimeout(exception) ? "database" : Classify(exception);

    /// <summary>
    /// PostgreSQL stopped a statement at the app role's lock_timeout (55P03) or statement_timeout (57014), or ended the
    /// transaction to break a deadlock (40P01) or a serialization conflict (40001) with another one; EF may wrap it. Each
    /// is over once the other work is done: the request is worth sending again.
    /// </summary>
    public static bool IsDatabaseTimeout(Exception? e) =>
        e is not null && (e is PostgresException
        {
            SqlState: PostgresErrorCodes.LockNotAvailable or PostgresErrorCodes.QueryCanceled or PostgresErrorCodes.DeadlockDetected
                or PostgresErrorCodes.SerializationFailure,
        } || IsDatabaseTimeout(e.InnerException));

    /// <summary>
    /// Connection failures (class 08), the server shutting down or starting (57P01-57P03) and too many connections.
    /// (The app role's lock_timeout and statement_timeout are answered before this, as `database-busy`.)
    /// </summary>
    private static bool IsUnavailable(string sqlState) =>
        sqlState.StartsWith("08", StringComparison.Ordinal)
        || sqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow
            or PostgresErrorCodes.TooManyConnections;
}
