namespace OrthoScan.Api.Features.Auth;

/// <summary>An invited doctor or staff member, or a new platform user, sets a password with the code, then enrols MFA.</summary>
public static class AcceptInvitation
{
    [Anonymous]
    public sealed record Command(string Code, string Password) : ICommand<MfaChallenge>;

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.Code).NotEmpty().MaximumLength(40);
            RuleFor(c => c.Password).StrongPassword();
        }
    }

    public sealed class Handler(
        AppDbContext db, InvitationCodes codes, PasswordHasher hasher, TokenService tokens, TenantScope tenant, RateLimiter limiter, AuthOptions options, RequestContext context)
        : ICommandHandler<Command, MfaChallenge>
    {
        public async ValueTask<MfaChallenge> Handle(Command command, CancellationToken ct)
        {
            if (await limiter.HitAsync("redeem", context.IpAddress ?? "unknown", options.InvitationAcceptsPerMinutePerIp, TimeSpan.FromMinutes(1)) is { } retry)
                throw new TooManyRequestsException(retry);
            var accountId = await codes.RedeemAsync(OneTimeCodePurpose.StaffInvitation, command.Code, ct)
                            ?? throw new RuleViolationException("invalid-invitation", "This invitation code is wrong, used or expired.", "Ask your practice owner for a new invitation.");

            var account = await db.UserAccounts.SingleAsync(u => u.Id == accountId, ct);
            account.PasswordHash = hasher.Hash(command.Password);
            // A platform user (created by create-platform-user) belongs to no practice: there is no membership to activate.
            if (account.PlatformRole is null)
            {
                await tenant.EnterIdentityAsync(account.Id, null, ct);
                var member = await db.PracticeMembers.IgnoreQueryFilters().SingleAsync(m => m.UserId == account.Id && m.Status == MemberStatus.Invited, ct);
                await tenant.EnterPracticeAsync(member.PracticeId, account.Id, member.Role, ct);
                member.Status = MemberStatus.Active;
            }
            await db.SaveChangesAsync(ct);
            return new MfaChallenge(MfaStep.Enroll, tokens.CreateMfaToken(account.Id));
        }
    }

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapPost($"{Routes.V1}/auth/invitations/accept", async (Command command, ISender sender, CancellationToken ct) => Results.Ok(await sender.Send(command, ct)))
                .WithTags("Auth").WithName("AcceptInvitation").AllowAnonymous()
                .WithSummary("Accept a staff invitation")
                .WithDescription(
                    "An invited doctor or staff member sets their password with the invitation code from the practice owner, and " +
                    "gets an MFA token to enrol TOTP next (POST /auth/mfa/enroll). 422 `invalid-invitation` when the code is wrong, " +
                    "used or expired; 429 past the attempts allowed per client.")
                .WithRequestExample(new Command("K7QWM2PX9H", OpenApiExamples.Password))
                .ProducesProblem(StatusCodes.Status429TooManyRequests)
                .Produces<MfaChallenge>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status422UnprocessableEntity);
    }
}
