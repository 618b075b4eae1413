using System.Text.Json.Serialization;

namespace OrthoScan.Api.Features.Patients;

/// <summary>
/// The patient changes what is theirs to change: the app's language, the channels and the quiet hours. Fields left out
/// stay as they are; anything else about their treatment is the practice's (a field the body does not know is refused).
/// </summary>
public static class UpdateMe
{
    [RequiresRole(Role.Patient)]
    public sealed record Command(PreferredLanguage? PreferredLanguage, bool? NotifyBySms, bool? NotifyByEmail, TimeOnly? QuietHoursStart, TimeOnly? QuietHoursEnd)
        : ICommand<MeResponse>, IAudited<MeResponse>
    {
        public AuditRecord Audit(MeResponse response) => new("patient", response.Id);
    }

    /// <param name="PreferredLanguage">The language of the app and of every notification.</param>
    /// <param name="NotifyBySms">Whether notices may come by SMS.</param>
    /// <param name="NotifyByEmail">Whether notices may come by email.</param>
    /// <param name="QuietHoursStart">No notice from this local time (whole minutes)...</param>
    /// <param name="QuietHoursEnd">...until this one; equal to the start for none.</param>
    [JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
    public sealed record Body(PreferredLanguage? PreferredLanguage, bool? NotifyBySms, bool? NotifyByEmail, TimeOnly? QuietHoursStart, TimeOnly? QuietHoursEnd);

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c).Must(c => c.PreferredLanguage is not null || c.NotifyBySms is not null || c.NotifyByEmail is not null
                                      || c.QuietHoursStart is not null || c.QuietHoursEnd is not null)
                .WithName("body").WithMessage("Send at least one field to change.");
            RuleFor(c => c.QuietHoursStart).Must(t => t is null || t.Value.Second == 0).WithMessage("Use whole minutes, e.g. 21:00.");
            RuleFor(c => c.QuietHoursEnd).Must(t => t is null || t.Value.Second == 0).WithMessage("Use whole minutes, e.g. 08:00.");
        }
    }

    public sealed class Handler(AppDbContext db, RequestContext context, TimeProvider clock) : ICommandHandler<Command, MeResponse>
    {
        public async ValueTask<MeResponse> Handle(Command command, CancellationToken ct)
        {
            var patient = await db.Patients.SingleAsync(p => p.Id == context.PatientId, ct);
            patient.PreferredLanguage = command.PreferredLanguage ?? patient.PreferredLanguage;
            patient.NotifyBySms = command.NotifyBySms ?? patient.NotifyBySms;
            patient.NotifyByEmail = command.NotifyByEmail ?? patient.NotifyByEmail;
            patient.QuietHoursStart = command.QuietHoursStart ?? patient.QuietHoursStart;
            patient.QuietHoursEnd = command.QuietHoursEnd ?? patient.QuietHoursEnd;
            patient.UpdatedAt = clock.UtcNow();
            await db.SaveChangesAsync(ct);
            return await MeResponse.BuildAsync(db, patient, ct);
        }
    }

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapPatch($"{Routes.V1}/me", async (Body body, ISender sender, CancellationToken ct) =>
                    Results.Ok(await sender.Send(new Command(body.PreferredLanguage, body.NotifyBySms, body.NotifyByEmail, body.QuietHoursStart, body.QuietHoursEnd), ct)))
                .WithTags("Patients").WithName("UpdateMe").RequireAuthorization()
                .WithSummary("Change the signed-in patient's settings")
                .WithDescription(
                    "Patients only: language, SMS and email notices, quiet hours (local, whole minutes). Fields left out stay as they are; " +
                    "a field the body does not define (treatment, practice, contact details: the practice's to change) is refused with 400.")
                .WithRequestExample(new Body(PreferredLanguage.Es, null, null, new TimeOnly(22, 0), new TimeOnly(7, 30)))
                .Produces<MeResponse>().ProducesValidationProblem();
    }
}
