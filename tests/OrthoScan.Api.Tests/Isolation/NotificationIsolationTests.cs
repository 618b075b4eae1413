using Npgsql;
using OrthoScan.Api.Tests.Infrastructure;
using Shouldly;

namespace OrthoScan.Api.Tests.Isolation;

/// <summary>The outbox holds contact details and codes: another practice can neither see, change, delete nor plant its rows.</summary>
[Collection(ApiCollection.Name)]
public sealed class NotificationIsolationTests(ApiFactory api)
{
    [Fact]
    public async Task Another_practice_can_neither_read_nor_change_nor_add_to_a_practices_notifications()
    {
        var ours = await api.RegisterPracticeAsync("Outbox Practice Ours");
        var theirs = await api.RegisterPracticeAsync("Outbox Practice Theirs");
        var patient = (await api.AddPatientAsync(ours)).Id;
        var notification = Guid.CreateVersion7();
        await using var asOurs = await Sql.OpenAsync(api.AppConnectionString, ours.PracticeId);
        await asOurs.ExecuteAsync("""
            INSERT INTO notifications (id, practice_id, patient_id, channel, template, language, recipient, variables, status, created_at)
            VALUES (@n, @p, @patient, 'sms', 'patient_invitation', 'en', '+14155550100', '{"code":"SECRET"}', 'failed', now())
            """, ("n", notification), ("p", ours.PracticeId), ("patient", patient));

        await using var asTheirs = await Sql.OpenAsync(api.AppConnectionString, theirs.PracticeId);
        (await asTheirs.ScalarAsync<long>("SELECT count(*) FROM notifications WHERE id = @n", ("n", notification))).ShouldBe(0);
        (await asTheirs.ExecuteAsync("UPDATE notifications SET recipient = '+14155550199', status = 'queued' WHERE id = @n", ("n", notification))).ShouldBe(0);
        (await asTheirs.ExecuteAsync("DELETE FROM notifications WHERE id = @n", ("n", notification))).ShouldBe(0);
        (await Should.ThrowAsync<PostgresException>(() => asTheirs.ExecuteAsync("""
            INSERT INTO notifications (id, practice_id, channel, template, language, recipient, variables, status, created_at)
            VALUES (gen_random_uuid(), @p, 'email', 'new_message', 'en', 'x@example.com', '{}', 'queued', now())
            """, ("p", ours.PracticeId)))).SqlState.ShouldBe(PostgresErrorCodes.InsufficientPrivilege);

        (await asOurs.ScalarAsync<string>("SELECT recipient || ' ' || status || ' ' || (variables->>'code') FROM notifications WHERE id = @n", ("n", notification)))
            .ShouldBe("+14155550100 failed SECRET");
    }
}
