using Microsoft.Extensions.Options;
using OrthoScan.Api.Infrastructure.Security;

namespace OrthoScan.Api.Infrastructure.Notifications;

/// <summary>
/// How many invitations a practice may have sent (SMS and email) per hour, and one patient may receive: an SMS costs
/// money and lands on a real phone, so a stolen or careless staff account must not turn the invite button into a
/// cannon. Counted in Redis before anything is issued or sent, atomically, so parallel requests cannot slip past.
/// </summary>
public sealed class InvitationSendLimits(RateLimiter limiter, IOptions<NotificationsOptions> options, RequestContext context)
{
    private static readonly TimeSpan Window = TimeSpan.FromHours(1);

    /// <summary>Throws 429 (with Retry-After) when the patient or the practice had enough invitations this hour.</summary>
    public async Task EnsurePatientMayBeSentAsync(Guid patientId)
    {
        if (await limiter.HitAsync("invitations-patient", patientId.ToString(), options.Value.InvitationsPerHourPerPatient, Window) is { } retry)
            throw new TooManyRequestsException(retry);
        await EnsurePracticeMaySendAsync();
    }

    public async Task EnsurePracticeMaySendAsync()
    {
        if (await limiter.HitAsync("invitations-practice", context.RequirePractice().ToString(), options.Value.InvitationsPerHourPerPractice, Window) is { } retry)
            throw new TooManyRequestsException(retry);
    }
}
