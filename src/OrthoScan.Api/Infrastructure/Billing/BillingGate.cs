using Microsoft.Extensions.Options;

namespace OrthoScan.Api.Infrastructure.Billing;

/// <summary>
/// The one billing check of the slices that grow a practice (adding a patient, inviting staff). Nothing that serves a
/// patient's care asks it: uploads, reviews, tagging and messages go on whatever the subscription's state.
/// </summary>
public sealed class BillingGate(AppDbContext db, IOptions<BillingOptions> plans, IOptions<BillingRuntimeOptions> options, TimeProvider clock)
{
    /// <summary>402 <c>subscription-restricted</c> once the subscription has been past due longer than the grace period.</summary>
    public async Task EnsureNotRestrictedAsync(CancellationToken ct)
    {
        if (await db.PracticeSubscriptions.AsNoTracking().SingleOrDefaultAsync(ct) is { } subscription) EnsureNotRestricted(subscription);
    }

    private void EnsureNotRestricted(PracticeSubscription subscription)
    {
        if (SubscriptionState.IsRestricted(subscription, options.Value, clock.UtcNow()))
            throw new ProblemException(StatusCodes.Status402PaymentRequired, "subscription-restricted", "The subscription is past due.",
                "Settle the open invoice to add patients and staff again; care (uploads, reviews, tagging, messages) is not affected.");
    }

    /// <summary>
    /// 402 as above, then 409 <c>plan-limit-reached</c> when the chosen plan's places are all taken. A practice that has
    /// not chosen a plan yet (no subscription) is not limited: the limit comes with the plan.
    /// </summary>
    public async Task EnsureRoomForPatientAsync(CancellationToken ct)
    {
        var subscription = await db.PracticeSubscriptions.AsNoTracking().SingleOrDefaultAsync(ct);
        if (subscription is null) return;
        EnsureNotRestricted(subscription);
        var plan = subscription.Plan;
        if (plans.Value.PlanFor(plan).ActivePatientLimit is not { } limit) return;
        // Adds at the limit take turns on the subscription's row until their transaction ends, so each counts the ones before
        // it: parallel requests cannot all see one place left and all take it.
        await db.Database.ExecuteSqlAsync($"SELECT 1 FROM practice_subscriptions WHERE id = {subscription.Id} FOR UPDATE", ct);
        if (await CountHoldingAsync(db, ct) >= limit)
            throw new ConflictException("plan-limit-reached", "The plan's patient limit is reached.",
                $"The {plan.ToString().ToLowerInvariant()} plan allows {limit} patients in treatment: choose a larger plan, or complete or archive a patient.");
    }

    /// <summary>Patients holding a place on the plan: every one not completed or archived (an invited one is in treatment).</summary>
    public static Task<int> CountHoldingAsync(AppDbContext db, CancellationToken ct) =>
        db.Patients.CountAsync(p => p.Status == PatientStatus.Invited || p.Status == PatientStatus.Active || p.Status == PatientStatus.Paused, ct);
}

/// <summary>What a stored subscription means now: its grace, whether it is restricted.</summary>
public static class SubscriptionState
{
    public static DateTime? GraceEndsAt(PracticeSubscription subscription, BillingRuntimeOptions options) =>
        subscription is { Status: SubscriptionStatus.PastDue, PastDueSince: { } since } ? since + options.GracePeriod : null;

    public static bool IsRestricted(PracticeSubscription subscription, BillingRuntimeOptions options, DateTime now) =>
        GraceEndsAt(subscription, options) is { } ends && ends <= now;
}
