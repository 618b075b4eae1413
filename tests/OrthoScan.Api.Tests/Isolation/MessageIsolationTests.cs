using Npgsql;
using OrthoScan.Api.Tests.Infrastructure;
using Shouldly;

namespace OrthoScan.Api.Tests.Isolation;

/// <summary>Messaging has no endpoints yet: its tables are checked as the app role sees them, which is where isolation lives.</summary>
[Collection(ApiCollection.Name)]
public sealed class MessageIsolationTests(ApiFactory api)
{
    [Fact]
    public async Task Another_practice_can_neither_read_nor_change_nor_add_to_a_practices_threads_and_messages()
    {
        var ours = await api.RegisterPracticeAsync("Message Practice Ours");
        var theirs = await api.RegisterPracticeAsync("Message Practice Theirs");
        var patient = (await api.AddPatientAsync(ours)).Id;
        var thread = Guid.CreateVersion7();
        var message = Guid.CreateVersion7();
        await using var asOurs = await Sql.OpenAsync(api.AppConnectionString, ours.PracticeId);
        await asOurs.ExecuteAsync("INSERT INTO message_threads (id, practice_id, patient_id, created_at) VALUES (@t, @p, @patient, now())",
            ("t", thread), ("p", ours.PracticeId), ("patient", patient));
        await asOurs.ExecuteAsync("""
            INSERT INTO messages (id, practice_id, thread_id, sender_type, content, attachments, created_at)
            VALUES (@m, @p, @t, 'practice', 'See you on Tuesday.', '{}', now())
            """, ("m", message), ("p", ours.PracticeId), ("t", thread));

        await using var asTheirs = await Sql.OpenAsync(api.AppConnectionString, theirs.PracticeId);
        (await asTheirs.ScalarAsync<long>("SELECT count(*) FROM message_threads WHERE id = @t", ("t", thread))).ShouldBe(0);
        (await asTheirs.ScalarAsync<long>("SELECT count(*) FROM messages WHERE thread_id = @t", ("t", thread))).ShouldBe(0);
        (await asTheirs.ExecuteAsync("UPDATE message_threads SET subject = 'Changed' WHERE id = @t", ("t", thread))).ShouldBe(0);
        (await asTheirs.ExecuteAsync("UPDATE messages SET content = 'Changed', read_at = now() WHERE id = @m", ("m", message))).ShouldBe(0);
        (await asTheirs.ExecuteAsync("DELETE FROM messages WHERE id = @m", ("m", message))).ShouldBe(0);
        (await asTheirs.ExecuteAsync("DELETE FROM message_threads WHERE id = @t", ("t", thread))).ShouldBe(0);

        // Posting into our thread: as their practice the (practice_id, thread_id) key refuses it, as ours row security does.
        const string Post = "INSERT INTO messages (id, practice_id, thread_id, sender_type, content, attachments, created_at) VALUES (gen_random_uuid(), @p, @t, 'practice', 'Hello', '{}', now())";
        (await Should.ThrowAsync<PostgresException>(() => asTheirs.ExecuteAsync(Post, ("p", theirs.PracticeId), ("t", thread))))
            .SqlState.ShouldBe(PostgresErrorCodes.ForeignKeyViolation);
        (await Should.ThrowAsync<PostgresException>(() => asTheirs.ExecuteAsync(Post, ("p", ours.PracticeId), ("t", thread))))
            .SqlState.ShouldBe(PostgresErrorCodes.InsufficientPrivilege);

        (await asOurs.ScalarAsync<string>("SELECT coalesce(t.subject, '-') || ' ' || m.content || ' ' || (m.read_at IS NULL) FROM messages m JOIN message_threads t ON t.id = m.thread_id WHERE t.id = @t",
            ("t", thread))).ShouldBe("- See you on Tuesday. true");
        (await asOurs.ScalarAsync<long>("SELECT count(*) FROM messages WHERE thread_id = @t", ("t", thread))).ShouldBe(1);
    }
}
