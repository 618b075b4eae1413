using Microsoft.Extensions.Options;
using OrthoScan.Api.Infrastructure.Notifications;

namespace OrthoScan.Api.Features.Patients;

/// <summary>
/// Issues a one-time app activation code for the patient, shown to staff and sent to the patient with the app's link, which
/// carries the code (<c>?code=</c>) so that the app opens with it filled in: by SMS when they have a phone number (that did
/// not text STOP), else by email, in their language (or as asked).
/// </summary>
public static class InvitePatient
{
    [RequiresRole(Role.Owner, Role.Doctor, Role.Staff)]
    public sealed record Command(Guid Id, InvitationDelivery? SendBy = null) : ICommand<Response>, IAudited<Response>
    {
        public AuditRecord Audit(Response response) => new("patient", Id);
    }

    /// <param name="SendBy">Sms or email; none to only show the code. Left out: SMS when the patient has a phone number, else email.</param>
    public sealed record Body(InvitationDelivery? SendBy);

    /// <param name="SentBy">How the code went to the patient; null when it was not sent (no phone or email, or none asked).</param>
    public sealed record Response(Guid PatientId, string Code, DateTime ExpiresAt, NotificationChannel? SentBy);

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator() => RuleFor(c => c.Id).NotEmpty();
    }

    public sealed class Handler(AppDbContext db, InvitationCodes codes, NotificationOutbox outbox, InvitationSendLimits limits, IOptions<NotificationsOptions> options)
        : ICommandHandler<Command, Response>
    {
        public async ValueTask<Response> Handle(Command command, CancellationToken ct)
        {
            var patient = await db.Patients.AsNoTracking().SingleOrDefaultAsync(p => p.Id == command.Id, ct) ?? throw new NotFoundException("patient");
            PatientRules.EnsureNotErased(patient);
            if (patient.Status == PatientStatus.Archived)
                throw new ConflictException("patient-archived", "This patient is archived.", "Archived patients cannot be invited to the app.");
            var smsStopped = await PatientNotices.SmsStoppedAsync(db, patient.Phone, ct);
            var channel = ChannelFor(patient, command.SendBy, smsStopped);
            if (channel is not null) await limits.EnsurePatientMayBeSentAsync(patient.Id);
            var code = await codes.IssueAsync(OneTimeCodePurpose.PatientInvitation, patient.Id, ct);
            if (channel is { } sendBy)
            {
                await outbox.QueueAsync(patient.PracticeId, patient.Id, sendBy, NotificationTemplate.PatientInvitation, patient.PreferredLanguage,
                    sendBy == NotificationChannel.Sms ? patient.Phone! : patient.Email!,
                    new Dictionary<string, string> { ["code"] = code.Code, ["link"] = options.Value.PatientAppLink(code.Code) }, ct);
                await db.SaveChangesAsync(ct);
            }
            return new Response(patient.Id, code.Code, code.ExpiresAt, channel);
        }

        private static NotificationChannel? ChannelFor(Patient patient, InvitationDelivery? asked, bool smsStopped) => asked switch
        {
            InvitationDelivery.None => null,
            InvitationDelivery.Sms => patient.Phone is { Length: > 0 } ? NotificationChannel.Sms
                : throw RuleViolationException.ForField("sendBy", "This patient has no phone number: add one, or send by email."),
            InvitationDelivery.Email => patient.Email is { Length: > 0 } ? NotificationChannel.Email
                : throw RuleViolationException.ForField("sendBy", "This patient has no email address: add one, or send by SMS."),
            // A number that texted STOP would not get the SMS: the email goes instead, if there is one.
            _ => patient.Phone is { Length: > 0 } && !smsStopped ? NotificationChannel.Sms : patient.Email is { Length: > 0 } ? NotificationChannel.Email : null,
        };
    }

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapPost($"{Routes.V1}/patients/{{id:guid}}/invite", async (Guid id, Body body, ISender sender, CancellationToken ct) =>
                    Results.Ok(await sender.Send(new Command(id, body.SendBy), ct)))
                .WithTags("Patients").WithName("InvitePatient").RequireAuthorization()
                .WithSummary("Invite a patient to the app")
                .WithDescription(
                    "Issues a one-time code, shown here with its expiry, that the patient enters in the app (POST /auth/patient/activate), " +
                    "and sends it with the app's link in the patient's language: by SMS when they have a phone number, else by email, " +
                    "or as `sendBy` asks (`none`: only shown here; `{}` for the default). A new code replaces the one before. 409 `patient-archived` for an " +
                    "archived patient; 422 when asked to send by a channel the patient has no address for; 429 (with Retry-After) when the patient " +
                    "or the practice was sent enough invitations this hour (`none` is never limited).")
                .WithRequestExample(new Body(InvitationDelivery.Sms))
                .Produces<Response>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
                .ProducesProblem(StatusCodes.Status422UnprocessableEntity).ProducesProblem(StatusCodes.Status429TooManyRequests);
    }
}
