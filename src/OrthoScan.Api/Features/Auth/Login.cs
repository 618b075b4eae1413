namespace OrthoScan.Api.Features.Auth;

/// <summary>Password step of a dashboard sign-in. Never answers tokens: every dashboard role must pass TOTP next.</summary>
public static class Login
{
    [Anonymous]
    public sealed record Command(string Email, string Password) : ICommand<MfaChallenge>;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.Email).NotEmpty().MaximumLength(320);
            RuleFor(c => c.Password).NotEmpty().MaximumLength(128);
        }
    }

    public sealed class Handler(
        AppDbContext db, PasswordHasher hasher, TokenService tokens, RateLimiter limiter, LoginGuard guard,
        AuthOptions options, RequestContext context, TenantScope tenant)
        : ICommandHandler<Command, MfaChallenge>
    {
        public async ValueTask<MfaChallenge> Handle(Command command, CancellationToken ct)
        {
            var email = PasswordRules.NormalizeEmail(command.Email);
            var window = TimeSpan.FromMinutes(1);
            var retry = await limiter.HitAsync("login-ip", context.IpAddress ?? "unknown", options.LoginsPerMinutePerIp, window)
                        ?? await limiter.HitAsync("login-account", email, options.LoginsPerMinutePerAccount, window);
            if (retry is not null) throw new TooManyRequestsException(retry.Value);

            var account = await db.UserAccounts.AsNoTracking().SingleOrDefaultAsync(u => u.Email == email, ct);
            // Counted before the password is compared: parallel guesses cannot get past the lockout.
            if (account is not null) await guard.BeginAttemptAsync(account.Id);

            // Verify even when the account is unknown, so both cases take the same time.
            if (!hasher.Verify(command.Password, account?.PasswordHash) || account is null)
                throw new UnauthorizedException("invalid-credentials", "Email or password is wrong.");
            // Right, but the sign-in is only complete after MFA: the attempt neither fails nor forgives earlier failures.
            await guard.ReleaseAsync(account.Id);

            var membership = await Memberships.FindActiveAsync(db, tenant, account.Id, ct);
            if (membership is null && account.PlatformRole is null)
                throw new UnauthorizedException("no-active-membership", "This account has no active practice membership.");

            return new MfaChallenge(account.MfaEnabled ? MfaStep.Verify : MfaStep.Enroll, tokens.CreateMfaToken(account.Id));
        }
    }

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapPost($"{Routes.V1}/auth/login", async (Command command, ISender sender, CancellationToken ct) => Results.Ok(await sender.Send(command, ct)))
                .WithTags("Auth").WithName("Login").AllowAnonymous()
                .WithSummary("Sign in with email and password")
                .WithDescription(
                    "Password step of a dashboard sign-in. Never answers tokens: answers an MFA token and the step that must " +
                    "follow, `enroll` (POST /auth/mfa/enroll) or `verify` (POST /auth/mfa/verify). 401 `invalid-credentials` for a " +
                    "wrong email or password alike; 423 while the account is locked after repeated failures; 429 past the " +
                    "per-client or per-account rate limit.")
                .WithRequestExample(new Command("maya.chen@example.com", OpenApiExamples.Password))
                .WithResponseExample(new MfaChallenge(MfaStep.Verify, OpenApiExamples.MfaToken))
                .Produces<MfaChallenge>().ProducesValidationProblem()
                .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status423Locked).ProducesProblem(StatusCodes.Status429TooManyRequests);
    }
}
