using System.Net;
using OrthoScan.Api.Tests.Contract;
using OrthoScan.Api.Tests.Infrastructure;
using Shouldly;

namespace OrthoScan.Api.Tests.Notifications;

/// <summary>Reading the dev mailbox as a developer would, through GET /dev/mailbox.</summary>
public static class NotificationFlows
{
    public static async Task<IReadOnlyList<DevMailboxLetterDto>> MailboxAsync(this ApiFactory api, string recipient) =>
        await (await api.CreateClient().GetAsync($"/api/v1/dev/mailbox?recipient={Uri.EscapeDataString(recipient)}"))
            .ShouldBeAsync<List<DevMailboxLetterDto>>(HttpStatusCode.OK);

    /// <summary>Polls until the worker has delivered <paramref name="count"/> letters to the recipient; answers them newest first.</summary>
    public static async Task<IReadOnlyList<DevMailboxLetterDto>> LettersAsync(this ApiFactory api, string recipient, int count = 1)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var letters = await api.MailboxAsync(recipient);
            if (letters.Count >= count) return letters;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{letters.Count} of {count} letters to {recipient} after 30 s.");
            await Task.Delay(200);
        }
    }

    /// <summary>Waits until no delivery job is left queued or running, so a test can say nothing more arrives.</summary>
    public static async Task DeliveriesSettledAsync(this ApiFactory api)
    {
        await using var db = await Sql.OpenAsync(api.OwnerConnectionString);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await db.ScalarAsync<long>("SELECT count(*) FROM jobs WHERE kind = 'notifications.deliver' AND status IN ('queued', 'running') AND run_after < now() + interval '1 minute'") > 0)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("Notification deliveries did not settle in 30 s.");
            await Task.Delay(200);
        }
    }
}
