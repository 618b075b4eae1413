using Microsoft.Extensions.Options;
using OrthoScan.Api.Infrastructure.Notifications;

namespace OrthoScan.Api.Features.Auth;

/// <summary>
/// A practice member who forgot their password asks for a reset link by email. The answer is the same whether or not the
/// email has an account, so it tells nobody which emails exist; the link carries a single-use token that lives 30 minutes.
/// </summary>
public static class ForgotPassword
{
    [Anonymous]
    public sealed record Command(string Email) : ICommand<Unit>;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator() => RuleFor(c => c.Email).NotEmpty().EmailAddress().MaximumLength(320);
    }

    public sealed class Handler(
        AppDbContext db, InvitationCodes codes, TenantScope tenant, NotificationOutbox outbox, RateLimiter limiter, RequestContext context,
        AuthOptions auth, IOptions<NotificationsOptions> options) : ICommandHandler<Command, Unit>
    {
        /// <summary>Long: the token only travels in a link, never typed.</summary>
        private const int TokenLength = 32;

        public async ValueTask<Unit> Handle(Command command, CancellationToken ct)
        {
            if (await limiter.HitAsync("password-reset", context.IpAddress ?? "unknown", auth.PasswordResetsPerMinutePerIp, TimeSpan.FromMinutes(1)) is { } retry)
                throw new TooManyRequestsException(retry);
            var email = PasswordRules.NormalizeEmail(command.Email);
            var account = await db.UserAccounts.AsNoTracking().SingleOrDefaultAsync(u => u.Email == email && u.PasswordHash != null, ct);
            if (account is null) return Unit.Value;
            // Platform accounts belong to no practice's outbox: a platform admin sets them up again (create-platform-user).
            var membership = await Memberships.FindActiveAsync(db, tenant, account.Id, ct);
            if (membership is null) return Unit.Value;
            // Quietly: a flood of requests for one address must not flood its inbox, nor answer differently.
            if (await limiter.HitAsync("password-reset-email", account.Id.ToString(), auth.PasswordResetEmailsPerHourPerAccount, TimeSpan.FromHours(1)) is not null)
                return Unit.Value;

            var token = await codes.IssueAsync(OneTimeCodePurpose.PasswordReset, account.Id, auth.PasswordResetLifetime, TokenLength, ct);
            await outbox.QueueAsync(membership.PracticeId, null, NotificationChannel.Email, NotificationTemplate.PasswordReset, PreferredLanguage.En, email,
                new Dictionary<string, string>
                {
                    // In the fragment, which browsers never send to a server, so no access log holds the token.
                    ["link"] = $"{options.Value.DashboardUrl.TrimEnd('/')}/reset-password/#token={token.Code}",
                    ["minutes"] = ((int)auth.PasswordResetLifetime.TotalMinutes).ToString(System.Globalization.CultureInfo.InvariantCulture),
                }, ct);
            await db.SaveChangesAsync(ct);
            return Unit.Value;
        }
    }

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapPost($"{Routes.V1}/auth/password/forgot", async (Command command, ISender sender, CancellationToken ct) =>
                {
                    await sender.Send(command, ct);
                    return Results.Accepted();
                })
                .WithTags("Auth").WithName("ForgotPassword").AllowAnonymous()
                .WithSummary("Ask for a password reset link")
                .WithDescription(
                    "Emails a link to reset the password, valid once and for 30 minutes, when the email belongs to a practice " +
                    "member. Answers 202 either way, so it reveals nothing about which emails have accounts. A new link replaces " +
                    "the one before; at most 3 emails per account an hour. 429 past the requests allowed per client.")
                .WithRequestExample(new Command("dr.lee@example.com"))
                .Produces(StatusCodes.Status202Accepted).ProducesValidationProblem().ProducesProblem(StatusCodes.Status429TooManyRequests);
    }
}
