using QRCoder;

namespace OrthoScan.Api.Features.Auth;

/// <summary>
/// Creates a TOTP secret for an account that has none yet, and ten single-use recovery codes for the day the phone is lost;
/// the first verified code turns MFA on.
/// </summary>
public static class EnrollMfa
{
    [Anonymous]
    public sealed record Command(string MfaToken) : ICommand<Response>;

    public const int RecoveryCodeCount = 10;

    /// <param name="RecoveryCodes">Ten codes, each usable once instead of an authenticator code; shown only now.</param>
    public sealed record Response(string Secret, string OtpauthUri, string QrCodePng, IReadOnlyList<string> RecoveryCodes);

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator() => RuleFor(c => c.MfaToken).NotEmpty().MaximumLength(4096);
    }

    public sealed class Handler(
        AppDbContext db, TokenService tokens, TotpVerifier totp, InvitationCodes codes, RateLimiter limiter, AuthOptions options, RequestContext context)
        : ICommandHandler<Command, Response>
    {
        public async ValueTask<Response> Handle(Command command, CancellationToken ct)
        {
            var ticket = await MfaRequests.AdmitAsync(command.MfaToken, tokens, limiter, options, context);
            var account = await db.UserAccounts.SingleAsync(u => u.Id == ticket.UserId, ct);
            // Re-enrolling with only a password would let a stolen password replace the second factor.
            if (account.MfaEnabled)
                throw new ConflictException("mfa-already-enrolled", "MFA is already set up for this account.", "Verify with your authenticator app instead.");

            var (encrypted, base32) = totp.NewSecret();
            account.TotpSecretEncrypted = encrypted;
            await db.SaveChangesAsync(ct);
            var recovery = await codes.IssueSetAsync(OneTimeCodePurpose.MfaRecovery, account.Id, RecoveryCodeCount, TimeSpan.FromDays(3650), ct);

            var uri = $"otpauth://totp/{Uri.EscapeDataString(options.Issuer)}:{Uri.EscapeDataString(account.Email)}" +
                      $"?secret={base32}&issuer={Uri.EscapeDataString("OrthoScan")}&algorithm=SHA1&digits=6&period=30";
            using var generator = new QRCodeGenerator();
            using var qr = generator.CreateQrCode(uri, QRCodeGenerator.ECCLevel.Q);
            var png = new PngByteQRCode(qr).GetGraphic(6);
            return new Response(base32, uri, "data:image/png;base64," + Convert.ToBase64String(png), recovery);
        }
    }

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapPost($"{Routes.V1}/auth/mfa/enroll", async (Command command, ISender sender, CancellationToken ct) => Results.Ok(await sender.Send(command, ct)))
                .WithTags("Auth").WithName("EnrollMfa").AllowAnonymous()
                .WithSummary("Start TOTP enrolment")
                .WithDescription(
                    "For an account without MFA, after the password step: creates its TOTP secret and answers it as text, as an " +
                    "otpauth:// URI and as a QR code (PNG data URI) for an authenticator app, with ten recovery codes to keep " +
                    "safe (each works once in POST /auth/mfa/verify instead of a code; shown only now). The first code verified with POST " +
                    "/auth/mfa/verify turns MFA on. 401 when the MFA token is invalid or expired; 409 `mfa-already-enrolled` when " +
                    "MFA is already set up.")
                .WithRequestExample(new Command(OpenApiExamples.MfaToken))
                .Produces<Response>().ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status409Conflict)
                .ProducesProblem(StatusCodes.Status429TooManyRequests);
    }
}
