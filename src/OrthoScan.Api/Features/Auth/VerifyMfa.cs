namespace OrthoScan.Api.Features.Auth;

/// <summary>Second sign-in step: a TOTP code (never one already used) exchanges the MFA token for a session.</summary>
public static class VerifyMfa
{
    [Anonymous]
    public sealed record Command(string MfaToken, string Code) : ICommand<AccessGrant>;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.MfaToken).NotEmpty().MaximumLength(4096);
            RuleFor(c => c.Code).NotEmpty().Matches("^[0-9]{6}$").WithMessage("Enter the 6-digit code from your authenticator app.");
        }
    }

    public sealed class Handler(AppDbContext db, TokenService tokens, TotpVerifier totp, LoginGuard guard, SessionIssuer sessions, TenantScope tenant)
        : ICommandHandler<Command, AccessGrant>
    {
        public async ValueTask<AccessGrant> Handle(Command command, CancellationToken ct)
        {
            var userId = await tokens.ReadMfaTokenAsync(command.MfaToken)
                         ?? throw new UnauthorizedException("invalid-mfa-token", "The sign-in step has expired. Sign in again.");
            await guard.ThrowIfLockedAsync(userId);

            var account = await db.UserAccounts.SingleAsync(u => u.Id == userId, ct);
            if (account.TotpSecretEncrypted is null)
                throw new ConflictException("mfa-not-enrolled", "MFA is not set up yet.", "Enrol first.");
            if (totp.Verify(account.TotpSecretEncrypted, command.Code, account.LastTotpStep) is not { } step)
            {
                await guard.RecordFailureAsync(userId);
                throw new UnauthorizedException("invalid-mfa-code", "The code is wrong or was already used.", "Wait for the next code and try again.");
            }

            account.LastTotpStep = step;
            account.MfaEnabled = true;
            await guard.ResetAsync(userId);

            var membership = await Memberships.FindActiveAsync(db, tenant, account.Id, ct);
            await db.SaveChangesAsync(ct);
            return await sessions.ForUserAsync(account, membership, ct);
        }
    }

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapPost($"{Routes.V1}/auth/mfa/verify", async (Command command, HttpContext http, ISender sender, AuthOptions options, CancellationToken ct) =>
                    Results.Ok(RefreshCookie.Deliver(http, await sender.Send(command, ct), options.RefreshTokenLifetime)))
                .WithTags("Auth").WithName("VerifyMfa").AllowAnonymous()
                .Produces<AccessGrant>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status401Unauthorized);
    }
}
