using System.Threading.Channels;
using Npgsql;

namespace OrthoScan.Api.Infrastructure.Audit;

/// <summary>
/// Group commit for the audit rows of reads, which have no transaction of their own. A read hands its row over and waits
/// until the row is committed; the rows that arrive while a batch is being written go together into the next one: one
/// INSERT per practice (under that practice's row-level security) and one commit for all of them. So concurrent audited
/// reads share a commit instead of queueing for one each, and a read still answers only once its row is durable: if the
/// batch fails, every read in it fails. A command's row is never batched: it belongs in the command's transaction.
/// </summary>
public sealed class AuditGroupCommit : IAsyncDisposable
{
    private const int MaxBatch = 256;
    private const int GatherBelow = 16;
    private static readonly TimeSpan GatherDelay = TimeSpan.FromMilliseconds(2);

    private readonly Channel<Pending> _rows = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly string _connectionString;
    private readonly ILogger<AuditGroupCommit> _logger;
    private readonly Task _writer;

    public AuditGroupCommit(IConfiguration configuration, ILogger<AuditGroupCommit> logger)
    {
        // Its own connection, kept open between batches (no pool reset, statements stay prepared). Safe to keep: the only
        // setting it ever makes is local to one transaction.
        _connectionString = new NpgsqlConnectionStringBuilder(DatabaseOptions.AppConnectionString(configuration))
        {
            ApplicationName = "orthoscan-audit", Pooling = false, MaxAutoPrepare = 8, KeepAlive = 30,
        }.ConnectionString;
        _logger = logger;
        // One writer: while it commits a batch, the next one gathers, so a busier moment makes bigger batches, not more commits.
        _writer = Task.Run(WriteBatchesAsync);
    }

    public Task WriteAsync(AuditEntry row, CancellationToken ct)
    {
        var pending = new Pending(row, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_rows.Writer.TryWrite(pending)) throw new InvalidOperationException("The audit writer is shutting down.");
        // A read cancelled meanwhile does not take its row back: the row may be written all the same.
        return pending.Committed.Task.WaitAsync(ct);
    }

    private async Task WriteBatchesAsync()
    {
        var batch = new List<Pending>(MaxBatch);
        NpgsqlConnection? connection = null;
        var busy = false;
        while (await _rows.Reader.WaitToReadAsync())
        {
            while (batch.Count < MaxBatch && _rows.Reader.TryRead(out var pending)) batch.Add(pending);
            // A commit costs about as much as a dozen rows: while reads keep coming, let a few more join before writing.
            if (busy && batch.Count < GatherBelow)
            {
                await Task.Delay(GatherDelay);
                while (batch.Count < MaxBatch && _rows.Reader.TryRead(out var pending)) batch.Add(pending);
            }
            busy = batch.Count > 1;
            try
            {
                if (connection is null)
                {
                    connection = new NpgsqlConnection(_connectionString);
                    await connection.OpenAsync();
                }
                await InsertAsync(connection, batch);
                foreach (var pending in batch) pending.Committed.TrySetResult();
            }
            catch (Exception e)
            {
                _logger.LogWarning(e, "Writing {Count} audit rows failed; their reads fail", batch.Count);
                foreach (var pending in batch) pending.Committed.TrySetException(e);
                // Whatever broke, the next batch starts on a new connection.
                if (connection is not null) await connection.DisposeAsync();
                connection = null;
            }
            batch.Clear();
        }
        if (connection is not null) await connection.DisposeAsync();
    }

    private static async Task InsertAsync(NpgsqlConnection connection, List<Pending> batch)
    {
        await using var transaction = await connection.BeginTransactionAsync();
        await using var insert = new NpgsqlBatch(connection, transaction);
        foreach (var practice in batch.Select(p => p.Row).GroupBy(r => r.PracticeId))
        {
            var rows = practice.ToList();
            // Local to this transaction: the setting is gone with the commit.
            var enter = new NpgsqlBatchCommand("SELECT set_config('app.practice_id', $1, true)");
            enter.Parameters.Add(new NpgsqlParameter { Value = practice.Key.ToString() });
            var write = new NpgsqlBatchCommand("""
                INSERT INTO audit_log (practice_id, user_id, actor_role, action, resource_type, resource_id, ip_address, occurred_at)
                SELECT * FROM unnest($1, $2, $3, $4, $5, $6, $7, $8)
                """);
            foreach (var column in new object[]
                     {
                         rows.Select(r => r.PracticeId).ToArray(), rows.Select(r => r.UserId).ToArray(), rows.Select(r => r.ActorRole).ToArray(),
                         rows.Select(r => r.Action).ToArray(), rows.Select(r => r.ResourceType).ToArray(), rows.Select(r => r.ResourceId).ToArray(),
                         rows.Select(r => r.IpAddress).ToArray(), rows.Select(r => r.OccurredAt).ToArray(),
                     })
                write.Parameters.Add(new NpgsqlParameter { Value = column });
            insert.BatchCommands.Add(enter);
            insert.BatchCommands.Add(write);
        }
        await insert.ExecuteNonQueryAsync();
        await transaction.CommitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        _rows.Writer.TryComplete();
        await _writer;
    }

    private sealed record Pending(AuditEntry Row, TaskCompletionSource Committed);
}
