namespace OrthoScan.Api.Features.Auth;

/// <summary>The owner invites a doctor or staff member; the code is shown here (and later sent by email).</summary>
public static class InviteStaff
{
    [RequiresRole(Role.Owner)]
    public sealed record Command(string Email, string Name, Role Role) : ICommand<Response>, IAudited<Response>
    {
        public AuditRecord Audit(Response response) => new("practice_member", response.MemberId);
    }

    public sealed record Response(Guid MemberId, string InvitationCode, DateTime ExpiresAt);

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.Email).NotEmpty().EmailAddress().MaximumLength(320);
            RuleFor(c => c.Name).NotEmpty().MaximumLength(200);
            RuleFor(c => c.Role).Must(r => r is Role.Doctor or Role.Staff).WithMessage("Invite a doctor or a staff member.");
        }
    }

    public sealed class Handler(AppDbContext db, RequestContext context, InvitationCodes codes, TimeProvider clock) : ICommandHandler<Command, Response>
    {
        public async ValueTask<Response> Handle(Command command, CancellationToken ct)
        {
            var email = PasswordRules.NormalizeEmail(command.Email);
            if (await db.UserAccounts.AnyAsync(u => u.Email == email, ct))
                throw new ConflictException("email-taken", "This email already has an account.");

            var now = clock.UtcNow();
            var account = new UserAccount { Email = email, CreatedAt = now };
            var member = new PracticeMember
            {
                PracticeId = context.RequirePractice(), UserId = account.Id, Name = command.Name.Trim(), Role = command.Role,
                Status = MemberStatus.Invited, CreatedAt = now,
            };
            db.UserAccounts.Add(account);
            db.PracticeMembers.Add(member);
            await db.SaveChangesAsync(ct);
            var code = await codes.IssueAsync(OneTimeCodePurpose.StaffInvitation, account.Id, ct);
            return new Response(member.Id, code.Code, code.ExpiresAt);
        }
    }

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapPost($"{Routes.V1}/practice/invitations", async (Command command, ISender sender, CancellationToken ct) =>
                {
                    var response = await sender.Send(command, ct);
                    return Results.Created($"{Routes.V1}/practice/members/{response.MemberId}", response);
                })
                .WithTags("Practice").WithName("InviteStaff").RequireAuthorization()
                .Produces<Response>(StatusCodes.Status201Created).ProducesValidationProblem()
                .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status409Conflict);
    }
}
