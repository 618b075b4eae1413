namespace OrthoScan.Api.Features.Auth;

/// <summary>
/// Second sign-in step: a TOTP code (never one already used) exchanges the MFA token for a session. The attempt is
/// counted before the code is compared, the step is claimed and the token spent atomically, so neither parallel
/// guesses nor parallel replays get further than sequential ones. A recovery code from enrolment works once in place of a
/// TOTP code, once MFA is on (the phone was lost); it is spent by one conditional write, so parallel uses get in once.
/// </summary>
public static class VerifyMfa
{
    [Anonymous]
    public sealed record Command(string MfaToken, string Code) : ICommand<AccessGrant>;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.MfaToken).NotEmpty().MaximumLength(4096);
            RuleFor(c => c.Code).NotEmpty().Matches(@"^([0-9]{6}|[A-Za-z0-9]{5}-?[A-Za-z0-9]{5})$")
                .WithMessage("Enter the 6-digit code from your authenticator app, or one of your recovery codes.");
        }
    }

    public sealed class Handler(
        AppDbContext db, TokenService tokens, TotpVerifier totp, InvitationCodes codes, LoginGuard guard, SessionIssuer sessions, TenantScope tenant,
        RateLimiter limiter, AuthOptions options, RequestContext context)
        : ICommandHandler<Command, AccessGrant>
    {
        public async ValueTask<AccessGrant> Handle(Command command, CancellationToken ct)
        {
            var ticket = await MfaRequests.AdmitAsync(command.MfaToken, tokens, limiter, options, context);
            await guard.BeginTicketAttemptAsync(ticket.TokenId);
            await guard.BeginAttemptAsync(ticket.UserId);

            var account = await db.UserAccounts.AsNoTracking().SingleAsync(u => u.Id == ticket.UserId, ct);
            if (account.TotpSecretEncrypted is null)
                throw new ConflictException("mfa-not-enrolled", "MFA is not set up yet.", "Enrol first.");
            var accepted = IsRecoveryCode(command.Code)
                ? account.MfaEnabled && await codes.RedeemForAsync(OneTimeCodePurpose.MfaRecovery, account.Id, command.Code, ct)
                : totp.Verify(account.TotpSecretEncrypted, command.Code, account.LastTotpStep) is { } step && await ClaimStepAsync(account.Id, step, ct);
            if (!accepted)
                throw new UnauthorizedException("invalid-mfa-code", "The code is wrong or was already used.", "Wait for the next code and try again.");
            if (!await guard.SpendTicketAsync(ticket.TokenId))
                throw new UnauthorizedException("mfa-token-locked", "This sign-in step can no longer be used.", "Sign in again with your password.");
            await guard.ResetAsync(account.Id);

            var membership = await Memberships.FindActiveAsync(db, tenant, account.Id, ct);
            return await sessions.ForUserAsync(account, membership, ct);
        }

        private static bool IsRecoveryCode(string code) => code.Length > 6;

        /// <summary>The replay guard as one conditional write: of two requests with the same code, one claims its step.</summary>
        private async Task<bool> ClaimStepAsync(Guid accountId, long step, CancellationToken ct) =>
            await db.UserAccounts.Where(u => u.Id == accountId && u.LastTotpStep < step)
                .ExecuteUpdateAsync(s => s.SetProperty(u => u.LastTotpStep, step).SetProperty(u => u.MfaEnabled, true), ct) == 1;
    }

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapPost($"{Routes.V1}/auth/mfa/verify", async (Command command, HttpContext http, ISender sender, AuthOptions options, CancellationToken ct) =>
                    Results.Ok(RefreshCookie.Deliver(http, await sender.Send(command, ct), options.RefreshTokenLifetime)))
                .WithTags("Auth").WithName("VerifyMfa").AllowAnonymous()
                .WithSummary("Verify a TOTP code and get tokens")
                .WithDescription(
                    "Second sign-in step: the MFA token and a current 6-digit code (never one already used), or one of the recovery " +
                    "codes from enrolment (each works once, after MFA is on), give an access token " +
                    "(`expiresIn` seconds) and a refresh token. With the header `X-OrthoScan-Client: dashboard` the refresh token " +
                    "is set as an httpOnly cookie instead, and `refreshToken` is null. 401 for a wrong or reused code or an expired " +
                    "or spent MFA token; 409 `mfa-not-enrolled` before enrolment; 423 and 429 as for sign-in.")
                .WithRequestExample(new Command(OpenApiExamples.MfaToken, "492039"))
                .WithResponseExample(new AccessGrant(OpenApiExamples.AccessToken, OpenApiExamples.RefreshToken, 600))
                .ProducesProblem(StatusCodes.Status409Conflict)
                .Produces<AccessGrant>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status401Unauthorized)
                .ProducesProblem(StatusCodes.Status423Locked).ProducesProblem(StatusCodes.Status429TooManyRequests);
    }
}
