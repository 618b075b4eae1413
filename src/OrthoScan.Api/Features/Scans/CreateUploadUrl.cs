using System.Security.Cryptography;
using OrthoScan.Api.Infrastructure.Storage;

namespace OrthoScan.Api.Features.Scans;

/// <summary>
/// A short-lived URL for one photo of a declared session, bound to an unguessable key under the practice and
/// patient, to the content type and to the exact size. The bytes never pass through the API's memory here.
/// </summary>
public static class CreateUploadUrl
{
    public const long MaxBytes = 25 * 1024 * 1024;
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);
    private static readonly string[] ContentTypes = ["image/jpeg", "image/png"];

    [RequiresRole(Role.Patient)]
    public sealed record Command(Guid SessionId, ImageType ImageType, string ContentType, long ContentLength)
        : ICommand<Response>, IAudited<Response>
    {
        public AuditRecord Audit(Response response) => new("scan_image", response.ImageId);
    }

    public sealed record Response(Guid ImageId, string Url, string Method, IReadOnlyDictionary<string, string> Headers, DateTime ExpiresAt);

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.ContentType).NotEmpty().Must(t => ContentTypes.Contains(t)).WithMessage("Send a JPEG or PNG photo.");
            RuleFor(c => c.ContentLength).InclusiveBetween(1, MaxBytes).WithMessage("A photo may be at most 25 MB.");
        }
    }

    public sealed class Handler(AppDbContext db, RequestContext context, IBlobStore store, TimeProvider clock) : ICommandHandler<Command, Response>
    {
        public async ValueTask<Response> Handle(Command command, CancellationToken ct)
        {
            var session = await ScanViews.FindVisibleAsync(db, context, command.SessionId, ct);
            if (session.Status is not (ScanSessionStatus.Pending or ScanSessionStatus.NeedsRetake))
                throw new ConflictException("session-not-open", "This scan was already sent.", "Start a new scan to send more photos.");
            var image = await db.ScanImages.SingleOrDefaultAsync(i => i.SessionId == session.Id && i.ImageType == command.ImageType, ct)
                        ?? throw new NotFoundException("scan view");
            if (image.Status == ScanImageStatus.Processed && image.RetakeReasons.Count == 0)
                throw new ConflictException("view-accepted", "This photo was already accepted.", "Only views marked for a retake can be sent again.");

            var key = RawUpload.KeyFor(session.PracticeId, session.PatientId, session.Id, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)));
            var grant = store.CreateUpload(key, command.ContentType, command.ContentLength, Lifetime);
            image.UploadKey = key;
            image.UploadContentType = command.ContentType;
            image.UploadLength = command.ContentLength;
            image.Status = ScanImageStatus.AwaitingUpload;
            // Recorded with the key, before any byte can arrive: the sweeper deletes it when it is old enough, sent or not.
            db.RawUploads.Add(new RawUpload { Key = key, ImageId = image.Id, CreatedAt = clock.UtcNow() });
            await db.SaveChangesAsync(ct);
            return new Response(image.Id, grant.Url.ToString(), grant.Method, grant.RequiredHeaders, grant.ExpiresAt);
        }
    }

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapPost($"{Routes.V1}/scans/upload-url", async (Command command, ISender sender, CancellationToken ct) => Results.Ok(await sender.Send(command, ct)))
                .WithTags("Scans").WithName("CreateScanUploadUrl").RequireAuthorization()
                .WithSummary("Get an upload URL for one photo")
                .WithDescription(
                    "A pre-signed URL, valid 5 minutes, for one view of the caller's open scan: send exactly `contentLength` bytes " +
                    "of JPEG or PNG (25 MB at most) with the method and headers answered. The photo's bytes never pass through the " +
                    "API. 404 when the scan or the view is not the caller's; 409 `session-not-open` once the scan is sent, " +
                    "`view-accepted` for a photo already accepted.")
                .WithRequestExample(new Command(new Guid("0195f4c8-1a2b-7c3d-8e4f-5a6b7c8d9e30"), ImageType.Frontal, "image/jpeg", 2_483_117))
                // As S3 answers it in production (blob links of the local store stay out of the document).
                .WithResponseExample(new Response(
                    new Guid("0195f4c8-1a2b-7c3d-8e4f-5a6b7c8d9e31"),
                    "https://orthoscan-scans.s3.eu-west-2.amazonaws.com/raw/practices/0195f3a2-7c1e-7b3a-9a41-2f6d8c1e4b10/patients/" +
                    "0195f3b0-2d4e-7a1b-8c9d-0e1f2a3b4c50/sessions/0195f4c8-1a2b-7c3d-8e4f-5a6b7c8d9e30/9f2c4e6a8b0d1f3e5a7c9e1b3d5f7a9c.upload" +
                    "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=300&X-Amz-SignedHeaders=content-length%3Bcontent-type%3Bhost%3Bx-amz-server-side-encryption%3B" +
                    "x-amz-server-side-encryption-aws-kms-key-id&X-Amz-Signature=3f1a9c",
                    "PUT",
                    new Dictionary<string, string>
                    {
                        ["Content-Type"] = "image/jpeg",
                        ["x-amz-server-side-encryption"] = "aws:kms",
                        ["x-amz-server-side-encryption-aws-kms-key-id"] = "alias/orthoscan-phi",
                    },
                    new DateTime(2026, 3, 2, 9, 5, 0, DateTimeKind.Utc)))
                .Produces<Response>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
    }
}
