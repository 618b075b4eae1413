using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using OrthoScan.Api.Infrastructure.Notifications;

namespace OrthoScan.Api.Features.Notifications;

/// <summary>
/// Twilio's inbound SMS webhook, verified by its <c>X-Twilio-Signature</c> (HMAC-SHA1 with the auth token over the URL and
/// the sorted form fields). A STOP (or STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT) opts the sending number out of every SMS of
/// ours until it texts START (or UNSTOP, YES); anything else is acknowledged and not stored (patients write in the app).
/// </summary>
public static class ReceiveTwilioSms
{
    public static readonly string[] StopWords = ["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"];
    public static readonly string[] StartWords = ["START", "UNSTOP", "YES"];

    [Anonymous]
    public sealed record Command(string Url, string? Signature, IReadOnlyDictionary<string, string> Form) : ICommand<Outcome>;

    public enum Outcome { OptedOut, OptedIn, Ignored }

    public sealed class Validator : AbstractValidator<Command>
    {
        // The signature is not checked here: a missing or wrong one is the handler's invalid-signature, like any forgery.
        public Validator() => RuleFor(c => c.Form.Count).LessThanOrEqualTo(100).WithName("form").WithMessage("Not a Twilio message.");
    }

    public sealed class Handler(AppDbContext db, IOptions<NotificationsOptions> options, TimeProvider clock) : ICommandHandler<Command, Outcome>
    {
        public async ValueTask<Outcome> Handle(Command command, CancellationToken ct)
        {
            var twilio = options.Value.Twilio;
            if (!twilio.Enabled) throw new NotFoundException("Twilio webhook");
            if (command.Signature is null || !SignatureMatches(twilio.AuthToken!, twilio.WebhookUrl ?? command.Url, command.Form, command.Signature))
                throw new ProblemException(StatusCodes.Status400BadRequest, "invalid-signature", "The Twilio signature is not valid.",
                    "Only Twilio, signing with this account's auth token, may call this.");

            var from = command.Form.GetValueOrDefault("From")?.Trim();
            var word = command.Form.GetValueOrDefault("Body")?.Trim().ToUpperInvariant();
            if (string.IsNullOrEmpty(from) || word is null) return Outcome.Ignored;
            if (StopWords.Contains(word))
            {
                await db.Database.ExecuteSqlAsync(
                    $"INSERT INTO sms_opt_outs (phone, opted_out_at) VALUES ({from}, {clock.UtcNow()}) ON CONFLICT (phone) DO NOTHING", ct);
                return Outcome.OptedOut;
            }
            if (StartWords.Contains(word))
            {
                await db.SmsOptOuts.Where(o => o.Phone == from).ExecuteDeleteAsync(ct);
                return Outcome.OptedIn;
            }
            return Outcome.Ignored;
        }

        public static bool SignatureMatches(string authToken, string url, IReadOnlyDictionary<string, string> form, string signature)
        {
            var signed = new StringBuilder(url);
            foreach (var (key, value) in form.OrderBy(f => f.Key, StringComparer.Ordinal)) signed.Append(key).Append(value);
#pragma warning disable CA5350 // Twilio signs its webhooks with HMAC-SHA1; we verify what it sends, we choose nothing.
            var expected = HMACSHA1.HashData(Encoding.UTF8.GetBytes(authToken), Encoding.UTF8.GetBytes(signed.ToString()));
#pragma warning restore CA5350
            Span<byte> given = stackalloc byte[64];
            return Convert.TryFromBase64String(signature, given, out var length)
                   && CryptographicOperations.FixedTimeEquals(expected, given[..length]);
        }
    }

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapPost($"{Routes.V1}/notifications/twilio/inbound", async (HttpRequest request, ISender sender, CancellationToken ct) =>
                {
                    var form = request.HasFormContentType ? await request.ReadFormAsync(ct) : null;
                    var fields = form?.ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal) ?? [];
                    var url = $"{request.Scheme}://{request.Host}{request.PathBase}{request.Path}{request.QueryString}";
                    await sender.Send(new Command(url, request.Headers["X-Twilio-Signature"].FirstOrDefault(), fields), ct);
                    return Results.Content("<Response/>", "text/xml");
                })
                .WithTags("Notifications").WithName("ReceiveTwilioSms").AllowAnonymous().DisableAntiforgery()
                .WithSummary("Receive an SMS to our number (Twilio only)")
                .WithDescription(
                    "Twilio's inbound SMS webhook, checked by its `X-Twilio-Signature` header against `OrthoScan:Notifications:Twilio:WebhookUrl` " +
                    "(or the URL called): 400 `invalid-signature` otherwise, and nothing changes. STOP, STOPALL, UNSUBSCRIBE, CANCEL, END or " +
                    "QUIT stops every SMS of ours to the sender's number; START, UNSTOP or YES lets them through again. Answers an empty " +
                    "TwiML response. 404 where Twilio is not configured.")
                .Produces(StatusCodes.Status200OK, contentType: "text/xml").ProducesProblem(StatusCodes.Status400BadRequest)
                .ProducesProblem(StatusCodes.Status404NotFound);
    }
}
