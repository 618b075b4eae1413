using System.Reflection;
using OrthoScan.Api.Infrastructure.Jobs;
using OrthoScan.Api.Infrastructure.Pipeline;
using Shouldly;

namespace OrthoScan.Api.Tests.Platform;

/// <summary>
/// The authorization behavior refuses a message that declares neither roles nor [Anonymous]; this catches such a message
/// at build time instead of as a 500 in production, and keeps [Anonymous] to the sign-in steps. Background jobs are no
/// caller's: they declare neither, and the behavior lets only the worker send them.
/// </summary>
public sealed class MessageRolesTests
{
    private static readonly Type[] Messages = [.. typeof(Program).Assembly.GetTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(Mediator.IMessage).IsAssignableFrom(t))];

    private static readonly Type[] Jobs = [.. Messages.Where(t => typeof(IJobCommand).IsAssignableFrom(t))];

    [Fact]
    public void Every_request_declares_its_roles_or_that_it_is_anonymous_never_both()
    {
        Messages.ShouldNotBeEmpty();
        var undeclared = Messages.Except(Jobs).Where(t => t.GetCustomAttribute<RequiresRoleAttribute>() is null == t.GetCustomAttribute<AnonymousAttribute>() is null);
        undeclared.Select(t => t.FullName).ShouldBeEmpty();
    }

    [Fact]
    public void Background_jobs_declare_neither_roles_nor_anonymous()
    {
        Jobs.ShouldNotBeEmpty();
        Jobs.Where(t => t.IsDefined(typeof(RequiresRoleAttribute)) || t.IsDefined(typeof(AnonymousAttribute))).Select(t => t.FullName).ShouldBeEmpty();
    }

    /// <summary>
    /// Besides them, only Stripe's and Twilio's webhooks, which prove themselves by their signatures instead of a token, and the dev mailbox, served
    /// only where configured for local runs (<c>InvitationDeliveryTests</c> shows it is not served elsewhere).
    /// </summary>
    [Fact]
    public void Only_sign_in_and_sign_up_steps_and_the_signed_stripe_webhook_are_anonymous()
    {
        var anonymous = Messages.Where(t => t.GetCustomAttribute<AnonymousAttribute>() is not null).ToList();
        anonymous.Where(t => t != typeof(Api.Features.Billing.StripeWebhook.Command) && t != typeof(Api.Features.Notifications.ListDevMailbox.Query)
                                 && t != typeof(Api.Features.Notifications.ReceiveTwilioSms.Command))
            .Select(t => t.DeclaringType!.Namespace!.Split('.')[^1]).Distinct().ShouldBe(["Auth"]);
    }
}
