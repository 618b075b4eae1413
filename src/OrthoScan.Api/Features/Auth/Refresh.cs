namespace OrthoScan.Api.Features.Auth;

/// <summary>
/// Rotates a refresh token. A token that was already used means it was copied: the whole family is revoked,
/// so both the thief and the owner must sign in again.
/// </summary>
public static class Refresh
{
    [Anonymous]
    public sealed record Command(string? RefreshToken, string? DeviceId) : ICommand<Result>;

    /// <summary>Refusals are results, not exceptions, so that a revocation commits.</summary>
    public sealed record Result(AccessGrant? Grant, string? Refusal);

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.RefreshToken).NotEmpty().MaximumLength(200);
            RuleFor(c => c.DeviceId).MaximumLength(200);
        }
    }

    public sealed class Handler(AppDbContext db, SessionIssuer sessions, TokenRevocations revocations, TenantScope tenant, TimeProvider clock)
        : ICommandHandler<Command, Result>
    {
        public async ValueTask<Result> Handle(Command command, CancellationToken ct)
        {
            var now = clock.UtcNow();
            var hash = TokenService.HashOpaque(command.RefreshToken!);
            var token = await db.RefreshTokens.SingleOrDefaultAsync(t => t.TokenHash == hash, ct);
            if (token is null || token.RevokedAt is not null || token.ExpiresAt <= now || await revocations.IsRevokedAsync(token.FamilyId.ToString(), null))
                return new Result(null, "The session has ended. Sign in again.");
            if (token.ConsumedAt is not null) return await RefuseReuseAsync(token.FamilyId, ct);
            if (token.DeviceId is not null && token.DeviceId != command.DeviceId)
                return new Result(null, "This session belongs to another device.");
            // Every refresh of a family, and every revocation of one after reuse, takes the family's lock first, before any
            // row lock: a reuse revoking the family must never wait for a row that a refresh holds while that refresh waits
            // for the family (the deadlock PostgreSQL broke with a 500, then a 503). Then claim the token atomically: of two
            // concurrent refreshes with one token, the second finds it consumed, so racing a stolen copy is reuse like any other.
            await LockFamilyAsync(token.FamilyId, ct);
            var claimed = await db.RefreshTokens.Where(t => t.Id == token.Id && t.ConsumedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.ConsumedAt, now), ct);
            if (claimed == 0) return await RefuseReuseAsync(token.FamilyId, ct);

            if (token.UserId is { } userId)
            {
                var account = await db.UserAccounts.AsNoTracking().SingleAsync(u => u.Id == userId, ct);
                var membership = await Memberships.FindActiveAsync(db, tenant, userId, ct);
                var role = membership?.Role ?? account.PlatformRole;
                if (role is null) return new Result(null, "This account has no active practice membership.");
                return new Result(await sessions.RotateAsync(token, role.Value, membership?.PracticeId, ct), null);
            }

            await tenant.EnterIdentityAsync(null, token.PatientId, ct);
            var patient = await db.Patients.AsNoTracking().IgnoreQueryFilters().SingleOrDefaultAsync(p => p.Id == token.PatientId, ct);
            if (patient is null || patient.Status is PatientStatus.Archived or PatientStatus.Erased) return new Result(null, "This patient account is no longer active.");
            await tenant.EnterPatientAsync(patient.PracticeId, patient.Id, ct);
            return new Result(await sessions.RotateAsync(token, Role.Patient, patient.PracticeId, ct), null);
        }

        /// <summary>Re-entrant within the transaction (a refresh that turns out to be reuse takes it again).</summary>
        private Task LockFamilyAsync(Guid family, CancellationToken ct) => db.LockForTransactionAsync(LockSpace.Named, $"refresh-family:{family}", ct);

        private async Task<Result> RefuseReuseAsync(Guid family, CancellationToken ct)
        {
            await LockFamilyAsync(family, ct);
            await sessions.RevokeAsync(t => t.FamilyId == family, ct);
            return new Result(null, "This refresh token was already used; every session of this sign-in is now revoked.");
        }
    }

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapPost($"{Routes.V1}/auth/refresh", async (Command command, HttpContext http, ISender sender, AuthOptions options, CancellationToken ct) =>
                {
                    var result = await sender.Send(command with { RefreshToken = command.RefreshToken ?? RefreshCookie.Read(http.Request) }, ct);
                    if (result.Grant is null)
                    {
                        RefreshCookie.Clear(http);
                        throw new UnauthorizedException("invalid-refresh-token", "Sign in again.", result.Refusal);
                    }
                    return Results.Ok(RefreshCookie.Deliver(http, result.Grant, options.RefreshTokenLifetime));
                })
                .WithTags("Auth").WithName("RefreshSession").AllowAnonymous()
                .WithSummary("Rotate a refresh token")
                .WithDescription(
                    "Answers a new access token and a new refresh token; the one sent stops working. The refresh token comes from " +
                    "the body, or from the dashboard's cookie (header `X-OrthoScan-Client: dashboard`); a patient app's token needs " +
                    "its `deviceId`. A refresh token sent twice was copied: every session of that sign-in is revoked. 401 " +
                    "`invalid-refresh-token` whenever the session cannot go on: sign in again.")
                .WithRequestExample(new Command(OpenApiExamples.RefreshToken, null))
                .Produces<AccessGrant>().ProducesProblem(StatusCodes.Status401Unauthorized);
    }
}
