using Npgsql;
using OrthoScan.Api.Infrastructure.Errors;
using Shouldly;
using StackExchange.Redis;

namespace OrthoScan.Api.Tests.Outages;

/// <summary>Failures that pass once the other side is done are "try again" (503), never a bug (500).</summary>
public sealed class TransientFailureTests
{
    [Theory]
    [InlineData(PostgresErrorCodes.DeadlockDetected)]
    [InlineData(PostgresErrorCodes.SerializationFailure)]
    [InlineData(PostgresErrorCodes.LockNotAvailable)]
    [InlineData(PostgresErrorCodes.QueryCanceled)]
    public void A_statement_postgresql_ended_for_a_conflict_or_a_timeout_is_worth_sending_again(string sqlState)
    {
        var wrapped = new InvalidOperationException("EF wrapped it", new PostgresException("conflict", "ERROR", "ERROR", sqlState));
        DependencyFailures.Unavailable(wrapped).ShouldBe("database");
        Failures.Classify(wrapped).ShouldBe(FailureKind.Unavailable);
    }

    [Fact]
    public void A_redis_timeout_is_redis_being_unavailable_and_a_constraint_violation_is_not()
    {
        DependencyFailures.Unavailable(new RedisTimeoutException(CommandFlags.None, "Timeout performing EVAL", CommandStatus.Sent)).ShouldBe("redis");
        DependencyFailures.Unavailable(new PostgresException("duplicate", "ERROR", "ERROR", PostgresErrorCodes.UniqueViolation)).ShouldBeNull();
    }
}
