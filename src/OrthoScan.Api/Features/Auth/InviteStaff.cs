using Microsoft.Extensions.Options;
using OrthoScan.Api.Infrastructure.Billing;
using OrthoScan.Api.Infrastructure.Notifications;


namespace OrthoScan.Api.Features.Auth;

/// <summary>The owner invites a doctor or staff member; the code is shown here and sent to them by email with the link to accept it.</summary>
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

    public sealed class Handler(
        AppDbContext db, RequestContext context, InvitationCodes codes, BillingGate billing, NotificationOutbox outbox, InvitationSendLimits limits,
        IOptions<NotificationsOptions> options, TimeProvider clock) : ICommandHandler<Command, Response>
    {
        public async ValueTask<Response> Handle(Command command, CancellationToken ct)
        {
            await billing.EnsureNotRestrictedAsync(ct);
            var email = PasswordRules.NormalizeEmail(command.Email);
            if (await db.UserAccounts.AnyAsync(u => u.Email == email, ct))
                throw new ConflictException("email-taken", "This email already has an account.");
            await limits.EnsurePracticeMaySendAsync();

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
            await outbox.QueueAsync(member.PracticeId, null, NotificationChannel.Email, NotificationTemplate.StaffInvitation, PreferredLanguage.En, email,
                new Dictionary<string, string> { ["code"] = code.Code, ["link"] = $"{options.Value.DashboardUrl.TrimEnd('/')}/accept-invitation/" }, ct);
            await db.SaveChangesAsync(ct);
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
                .WithSummary("Invite a doctor or staff member")
                .WithDescription(
                    "Creates the member as invited, emails them a one-time invitation code with the link to accept it, and answers the " +
                    "code with its expiry (to hand over if the email does not arrive); they " +
                    "accept it with POST /auth/invitations/accept. Only the doctor and staff roles can be invited. 409 " +
                    "`email-taken` when the email already has an account; 402 `subscription-restricted` when the subscription is past " +
                    "due beyond its grace; 429 (with Retry-After) when the practice sent enough invitations this hour.")
                .WithRequestExample(new Command("sam.okafor@example.com", "Dr. Sam Okafor", Role.Doctor))
                .WithResponseExample(
                    new Response(new Guid("0195f3a2-8d40-7e21-b5c2-6a1f0e9d3c20"), "K7QWM2PX9H", new DateTime(2026, 3, 9, 14, 30, 0, DateTimeKind.Utc)),
                    StatusCodes.Status201Created)
                .Produces<Response>(StatusCodes.Status201Created).ProducesValidationProblem()
                .ProducesProblem(StatusCodes.Status402PaymentRequired).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status409Conflict)
                .ProducesProblem(StatusCodes.Status429TooManyRequests);
    }
}
