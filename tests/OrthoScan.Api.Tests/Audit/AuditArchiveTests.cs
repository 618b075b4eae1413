using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Text;
using System.Text.Json;
using Amazon.Runtime;
using Amazon.S3;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OrthoScan.Api.Domain;
using OrthoScan.Api.Features.Audit;
using OrthoScan.Api.Infrastructure.Audit;
using OrthoScan.Api.Infrastructure.Jobs;
using OrthoScan.Api.Infrastructure.Persistence;
using OrthoScan.Api.Tests.Jobs;
using OrthoScan.Api.Tests.Infrastructure;
using Shouldly;
using WireMock.RequestBuilders;
using WireMockResponse = WireMock.ResponseBuilders.Response;

namespace OrthoScan.Api.Tests.Audit;

/// <summary>
/// Sealed audit links also go to a write-once archive (S3 Object Lock in AWS, read-only files here), so the trail
/// outlives anyone who can change the database: every link once, per practice, verifiable from the archive alone.
/// </summary>
[SuppressMessage("Reliability", "CA1001", Justification = "xunit disposes it through IAsyncLifetime.DisposeAsync.")]
public sealed class AuditArchiveTests : IAsyncLifetime
{
    private readonly ApiFactory _api = new();

    public Task InitializeAsync() => _api.InitializeAsync();

    public Task DisposeAsync() => _api.DisposeAsync();

    [Fact]
    public async Task Every_sealed_link_reaches_the_archive_once_in_its_own_practices_objects_and_verifies_without_the_database()
    {
        var first = await _api.RegisterPracticeAsync("Archive One");
        var second = await _api.RegisterPracticeAsync("Archive Two");
        await _api.AddPatientAsync(first, "Ada");
        await _api.AddPatientAsync(second, "Grace");
        await _api.VerifyWhenSealedAsync(first);
        await _api.VerifyWhenSealedAsync(second);

        // Two runs at once (a slow run overlapping the next period's): each link is still archived once.
        await Task.WhenAll(ArchiveAsync(), ArchiveAsync());
        var afterFirstRuns = Archived(first.PracticeId);

        afterFirstRuns.Select(l => l.Seq).ShouldBe(Enumerable.Range(1, afterFirstRuns.Count).Select(i => (long)i));
        afterFirstRuns.ShouldAllBe(l => l.PracticeId == first.PracticeId);
        Archived(second.PracticeId).ShouldAllBe(l => l.PracticeId == second.PracticeId);
        Archived(second.PracticeId).ShouldNotBeEmpty();
        VerifiesAlone(afterFirstRuns);

        await _api.AddPatientAsync(first, "Byron");
        await _api.VerifyWhenSealedAsync(first);
        await ArchiveAsync();
        await ArchiveAsync(); // nothing new: no new object

        var all = Archived(first.PracticeId);
        all.Count.ShouldBeGreaterThan(afterFirstRuns.Count);
        all.Select(l => l.Seq).ShouldBe(Enumerable.Range(1, all.Count).Select(i => (long)i), "the next object continues the chain, nothing twice");
        VerifiesAlone(all);
        Files(first.PracticeId).Length.ShouldBe(2);
        foreach (var file in Files(first.PracticeId))
        {
            if (OperatingSystem.IsWindows()) break;
            File.GetUnixFileMode(file).HasFlag(UnixFileMode.UserWrite).ShouldBeFalse("an archived file is read-only");
        }
    }

    [Fact]
    public async Task Links_sealed_again_under_archived_seqs_after_a_restore_get_objects_of_their_own()
    {
        // One link per object, so the link sealed after the restore falls in exactly the range of an archived object.
        var api = new ApiFactory();
        api.Settings["OrthoScan:Audit:Archive:BatchSize"] = "1";
        await api.InitializeAsync();
        try
        {
            var owner = await api.RegisterPracticeAsync("Restored Clinic");
            await api.VerifyWhenSealedAsync(owner);
            await ArchiveAsync(api);
            var before = Archived(api, owner.PracticeId);
            var kept = before.Count - 1;

            // As a database restored to an earlier point would be: without the newest row and its link, the mark behind it.
            await using (var db = await Sql.OpenAsync(api.OwnerConnectionString, owner.PracticeId))
            {
                var newest = await db.ScalarAsync<long>("SELECT audit_id FROM audit_seals WHERE practice_id = @p AND seq > @kept",
                    ("p", owner.PracticeId), ("kept", (long)kept));
                await db.ExecuteAsync("DELETE FROM audit_seals WHERE practice_id = @p AND seq > @kept", ("p", owner.PracticeId), ("kept", (long)kept));
                await db.ExecuteAsync("DELETE FROM audit_log WHERE id = @id", ("id", newest));
                await db.ExecuteAsync("UPDATE audit_archive_marks SET archived_seq = @kept WHERE practice_id = @p", ("p", owner.PracticeId), ("kept", (long)kept));
            }
            await api.AddPatientAsync(owner, "After");
            await api.VerifyWhenSealedAsync(owner);
            await ArchiveAsync(api);

            var reused = Archived(api, owner.PracticeId).Where(l => l.Seq == kept + 1).ToList();
            reused.Count.ShouldBe(2, "the archived link and the one sealed under its seq after the restore are both kept");
            reused.Select(l => l.Hash).Distinct().Count().ShouldBe(2);
        }
        finally
        {
            await api.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_practice_sees_and_moves_only_its_own_archive_mark_and_nobody_deletes_one()
    {
        var mine = await _api.RegisterPracticeAsync("Mark Mine");
        var theirs = await _api.RegisterPracticeAsync("Mark Theirs");
        await _api.VerifyWhenSealedAsync(mine);
        await _api.VerifyWhenSealedAsync(theirs);
        await ArchiveAsync();

        await using var app = await Sql.OpenAsync(_api.AppConnectionString, mine.PracticeId);
        (await app.ColumnAsync("SELECT practice_id::text FROM audit_archive_marks")).ShouldBe([mine.PracticeId.ToString()]);
        (await app.ExecuteAsync("UPDATE audit_archive_marks SET archived_seq = 0 WHERE practice_id = @other", ("other", theirs.PracticeId))).ShouldBe(0);
        (await Should.ThrowAsync<Npgsql.PostgresException>(() => app.ExecuteAsync("DELETE FROM audit_archive_marks"))).SqlState.ShouldBe("42501");
        (await Should.ThrowAsync<Npgsql.PostgresException>(() => app.ExecuteAsync(
            "INSERT INTO audit_archive_marks (practice_id, archived_seq, archived_at) VALUES (@other, 1, now())", ("other", Guid.NewGuid())))).SqlState.ShouldBe("42501");
    }

    [Fact]
    public async Task The_s3_archive_locks_each_object_in_compliance_mode_for_six_years_and_never_replaces_one()
    {
        using var s3Fake = LoopbackFake.Start();
        s3Fake.Given(Request.Create().WithPath("/audit-archive/audit-log/p/000000000001-000000000002.jsonl").UsingPut())
            .RespondWith(WireMockResponse.Create().WithStatusCode(200).WithHeader("ETag", "\"abc\""));
        s3Fake.Given(Request.Create().WithPath("/audit-archive/audit-log/p/taken.jsonl").UsingPut())
            .RespondWith(WireMockResponse.Create().WithStatusCode(412).WithHeader("Content-Type", "application/xml")
                .WithBody("<Error><Code>PreconditionFailed</Code><Message>At least one of the pre-conditions you specified did not hold</Message></Error>"));
        using var client = new AmazonS3Client(new BasicAWSCredentials("test", "test"),
            new AmazonS3Config { ServiceURL = s3Fake.Url, AuthenticationRegion = "eu-west-1", ForcePathStyle = true });
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero));
        var archive = new S3AuditArchive(client, "audit-archive", TimeSpan.FromDays(2192), clock);

        (await archive.PutOnceAsync("audit-log/p/000000000001-000000000002.jsonl", "{}\n"u8.ToArray(), default)).ShouldBeTrue();
        (await archive.PutOnceAsync("audit-log/p/taken.jsonl", "{}\n"u8.ToArray(), default)).ShouldBeFalse("an existing object is left as it is");

        var put = s3Fake.LogEntries[0].RequestMessage;
        put.Headers!["x-amz-object-lock-mode"].ShouldBe(["COMPLIANCE"]);
        DateTime.Parse(put.Headers["x-amz-object-lock-retain-until-date"].Single(), System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AdjustToUniversal).ShouldBe(new DateTime(2032, 12, 7, 12, 0, 0, DateTimeKind.Utc));
        put.Headers["If-None-Match"].ShouldBe(["*"]);
        put.Headers["x-amz-server-side-encryption"].ShouldBe(["aws:kms"]);
    }

    /// <summary>Runs the archive job as the scheduler would: enqueued, then claimed by this host's worker.</summary>
    private Task ArchiveAsync() => ArchiveAsync(_api);

    private static async Task ArchiveAsync(ApiFactory api)
    {
        Guid id;
        await using (var scope = api.Services.CreateAsyncScope())
        {
            id = await scope.ServiceProvider.GetRequiredService<IJobQueue>().EnqueueAsync(new ArchiveAuditLog.Command());
            await scope.ServiceProvider.GetRequiredService<AppDbContext>().SaveChangesAsync();
        }
        await Eventually.ValueAsync(async () =>
        {
            await using var scope = api.Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<AppDbContext>().Jobs.AsNoTracking().SingleAsync(j => j.Id == id);
        }, job => job.Status is JobStatus.Succeeded or JobStatus.Dead, "the archive job to finish");
    }

    private string[] Files(Guid practiceId) => Files(_api, practiceId);

    private static string[] Files(ApiFactory api, Guid practiceId) =>
        Directory.Exists(Path.Combine(api.AuditArchiveRoot, "audit-log", practiceId.ToString()))
            ? [.. Directory.GetFiles(Path.Combine(api.AuditArchiveRoot, "audit-log", practiceId.ToString())).Order(StringComparer.Ordinal)]
            : [];

    private List<ArchiveAuditLog.ArchivedLink> Archived(Guid practiceId) => Archived(_api, practiceId);

    private static List<ArchiveAuditLog.ArchivedLink> Archived(ApiFactory api, Guid practiceId) =>
        [.. Files(api, practiceId).SelectMany(File.ReadAllLines).Select(line => JsonSerializer.Deserialize<ArchiveAuditLog.ArchivedLink>(line, JsonSerializerOptions.Web)!)];

    /// <summary>Recomputes the chain from the archived lines: each hash covers its row and the previous link's hash.</summary>
    private static void VerifiesAlone(List<ArchiveAuditLog.ArchivedLink> links)
    {
        var previous = AuditChain.Genesis;
        foreach (var link in links)
        {
            Convert.FromBase64String(link.PrevHash).ShouldBe(previous);
            var row = new AuditEntry
            {
                Id = link.AuditId, PracticeId = link.PracticeId, UserId = link.UserId, ActorRole = link.ActorRole, Action = link.Action,
                ResourceType = link.ResourceType, ResourceId = link.ResourceId, IpAddress = link.IpAddress, OccurredAt = link.OccurredAt,
            };
            previous = AuditChain.ComputeHash(row, link.Seq, previous);
            Convert.ToBase64String(previous).ShouldBe(link.Hash, $"link {link.Seq}");
        }
    }
}
