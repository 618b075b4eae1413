using OrthoScan.Api.Infrastructure.Messaging;
using OrthoScan.Api.Infrastructure.Storage;

namespace OrthoScan.Api.Features.Messaging;

/// <summary>
/// The receiving side marks a message read: the practice the patient's messages, the patient the practice's and the
/// system's. The first read time stays; marking again changes nothing.
/// </summary>
public static class MarkMessageRead
{
    [RequiresRole(Role.Owner, Role.Doctor, Role.Staff, Role.Patient)]
    public sealed record Command(Guid Id) : ICommand<MessageResponse>, IAudited<MessageResponse>
    {
        public AuditRecord Audit(MessageResponse response) => new("message", Id);
    }

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator() => RuleFor(c => c.Id).NotEmpty();
    }

    public sealed class Handler(AppDbContext db, RequestContext context, IBlobStore store, LiveThreads live, TimeProvider clock) : ICommandHandler<Command, MessageResponse>
    {
        public async ValueTask<MessageResponse> Handle(Command command, CancellationToken ct)
        {
            // A patient's message is one of their own thread: another patient's id answers exactly like an unknown one.
            var message = await db.Messages.SingleOrDefaultAsync(m => m.Id == command.Id
                    && (context.Role != Role.Patient || db.MessageThreads.Any(t => t.Id == m.ThreadId && t.PatientId == context.PatientId)), ct)
                ?? throw new NotFoundException("message");
            var thread = await MessageViews.FindVisibleThreadAsync(db, context, message.ThreadId, ct);
            if (!MessageViews.ReceivedBy(context).Contains(message.SenderType))
                throw new RuleViolationException("not-the-recipient", "Only the receiving side marks a message read.", "This message was sent by your side.");
            if (message.ReadAt is null)
            {
                message.ReadAt = clock.UtcNow();
                live.Changed(thread);
            }
            await db.SaveChangesAsync(ct);
            return (await MessageViews.ToResponsesAsync(db, store, [message], ct))[0];
        }
    }

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapPatch($"{Routes.V1}/messages/{{id:guid}}/read", async (Guid id, ISender sender, CancellationToken ct) =>
                    Results.Ok(await sender.Send(new Command(id), ct)))
                .WithTags("Messaging").WithName("MarkMessageRead").RequireAuthorization()
                .WithSummary("Mark a message read")
                .WithDescription(
                    "By the receiving side: the practice marks the patient's messages, the patient the practice's. Keeps the first " +
                    "read time. 422 `not-the-recipient` for a message of the caller's own side; 404 for a message the caller cannot see.")
                .Produces<MessageResponse>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
    }
}
