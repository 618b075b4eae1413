namespace OrthoScan.Api.Features.Auth;

/// <summary>Practice self-onboarding: creates the practice and its owner, then asks for MFA enrolment.</summary>
public static class Register
{
    [Anonymous]
    public sealed record Command(string PracticeName, string? PracticeAddress, string OwnerName, string Email, string Password) : ICommand<Response>;

    public sealed record Response(Guid PracticeId, Guid UserId, MfaStep MfaRequired, string MfaToken);

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.PracticeName).NotEmpty().MaximumLength(200);
            RuleFor(c => c.PracticeAddress).MaximumLength(500);
            RuleFor(c => c.OwnerName).NotEmpty().MaximumLength(200);
            RuleFor(c => c.Email).NotEmpty().EmailAddress().MaximumLength(320);
            RuleFor(c => c.Password).StrongPassword();
        }
    }

    public sealed class Handler(
        AppDbContext db, TenantScope tenant, PasswordHasher hasher, TokenService tokens, RateLimiter limiter, AuthOptions options, RequestContext context, TimeProvider clock)
        : ICommandHandler<Command, Response>
    {
        public async ValueTask<Response> Handle(Command command, CancellationToken ct)
        {
            if (await limiter.HitAsync("register", context.IpAddress ?? "unknown", options.RegistrationsPer10MinutesPerIp, TimeSpan.FromMinutes(10)) is { } retry)
                throw new TooManyRequestsException(retry);

            var email = PasswordRules.NormalizeEmail(command.Email);
            if (await db.UserAccounts.AnyAsync(u => u.Email == email, ct))
                throw new ConflictException("email-taken", "This email already has an account.", "Sign in instead, or use another email.");

            var now = clock.UtcNow();
            var practice = new Practice { Name = command.PracticeName.Trim(), Address = command.PracticeAddress?.Trim(), CreatedAt = now };
            var account = new UserAccount { Email = email, PasswordHash = hasher.Hash(command.Password), CreatedAt = now };
            await tenant.EnterPracticeAsync(practice.Id, account.Id, Role.Owner, ct);

            db.Practices.Add(practice);
            db.UserAccounts.Add(account);
            db.PracticeMembers.Add(new PracticeMember
            {
                PracticeId = practice.Id, UserId = account.Id, Name = command.OwnerName.Trim(), Role = Role.Owner, CreatedAt = now,
            });
            await db.SaveChangesAsync(ct);
            return new Response(practice.Id, account.Id, MfaStep.Enroll, tokens.CreateMfaToken(account.Id));
        }
    }

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapPost($"{Routes.V1}/auth/register", async (Command command, ISender sender, CancellationToken ct) =>
                {
                    var response = await sender.Send(command, ct);
                    return Results.Created($"{Routes.V1}/practice", response);
                })
                .WithTags("Auth").WithName("Register").AllowAnonymous()
                .WithSummary("Register a practice and its owner")
                .WithDescription(
                    "Practice self-onboarding: creates the practice and its owner account, and answers an MFA token instead of " +
                    "tokens: every dashboard account enrols TOTP first (POST /auth/mfa/enroll, then /auth/mfa/verify). 409 " +
                    "`email-taken` when the email already has an account; 429 past the registrations allowed per client.")
                .WithRequestExample(new Command(
                    "Bright Smiles Orthodontics", "12 Harbour Street, Bristol BS1 4RN", "Dr. Maya Chen", "maya.chen@example.com", OpenApiExamples.Password))
                .WithResponseExample(
                    new Response(new Guid("0195f3a2-7c1e-7b3a-9a41-2f6d8c1e4b10"), new Guid("0195f3a2-7c1e-7b3a-9a41-2f6d8c1e4b11"), MfaStep.Enroll, OpenApiExamples.MfaToken),
                    StatusCodes.Status201Created)
                .ProducesProblem(StatusCodes.Status429TooManyRequests)
                .Produces<Response>(StatusCodes.Status201Created).ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);
    }
}
