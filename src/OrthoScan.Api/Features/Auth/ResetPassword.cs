namespace OrthoScan.Api.Features.Auth;

/// <summary>
/// Sets a new password with the token from a reset email: the token works once, and every session of the account ends, so
/// whoever knew the old password is signed out everywhere. MFA still guards the next sign-in.
/// </summary>
public static class ResetPassword
{
    [Anonymous]
    public sealed record Command(string Token, string Password) : ICommand<Unit>;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.Token).NotEmpty().MaximumLength(100);
            RuleFor(c => c.Password).StrongPassword();
        }
    }

    public sealed class Handler(
        AppDbContext db, InvitationCodes codes, PasswordHasher hasher, SessionIssuer sessions, RateLimiter limiter, RequestContext context, AuthOptions auth)
        : ICommandHandler<Command, Unit>
    {
        public async ValueTask<Unit> Handle(Command command, CancellationToken ct)
        {
            if (await limiter.HitAsync("password-reset", context.IpAddress ?? "unknown", auth.PasswordResetsPerMinutePerIp, TimeSpan.FromMinutes(1)) is { } retry)
                throw new TooManyRequestsException(retry);
            var accountId = await codes.RedeemAsync(OneTimeCodePurpose.PasswordReset, command.Token, ct)
                            ?? throw new RuleViolationException("invalid-reset-token", "This reset link is wrong, used or expired.", "Ask for a new link.");

            var account = await db.UserAccounts.SingleAsync(u => u.Id == accountId, ct);
            account.PasswordHash = hasher.Hash(command.Password);
            await db.SaveChangesAsync(ct);
            await sessions.RevokeAsync(t => t.UserId == accountId, ct);
            return Unit.Value;
        }
    }

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapPost($"{Routes.V1}/auth/password/reset", async (Command command, ISender sender, CancellationToken ct) =>
                {
                    await sender.Send(command, ct);
                    return Results.NoContent();
                })
                .WithTags("Auth").WithName("ResetPassword").AllowAnonymous()
                .WithSummary("Set a new password with a reset link's token")
                .WithDescription(
                    "The token from the reset email's link and the new password (at least 12 characters). The token works once; " +
                    "every session of the account is signed out. 422 `invalid-reset-token` when the token is wrong, used or " +
                    "expired; 429 past the attempts allowed per client.")
                .WithRequestExample(new Command("K7QWM2PX9HK7QWM2PX9HK7QWM2PX9HAB", OpenApiExamples.Password))
                .Produces(StatusCodes.Status204NoContent).ProducesValidationProblem().ProducesProblem(StatusCodes.Status422UnprocessableEntity)
                .ProducesProblem(StatusCodes.Status429TooManyRequests);
    }
}
