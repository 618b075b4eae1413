using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace OrthoScan.Api.Infrastructure.Http;

/// <summary>
/// The published contract at /openapi/v1.json, linted with Redocly's recommended rules in `make test`. Each endpoint
/// states what it does (summary, description, examples) and the statuses its handler throws (409, 422, ...); what the
/// pipeline answers for every route alike (401, 403, 404, 503, ...) is derived here from the endpoint's metadata and its
/// message's attributes (<see cref="OpenApiOperations"/>), so it cannot drift from the code.
/// </summary>
public static class OpenApiContract
{
    public const string BearerScheme = "bearer";
    public const string ProblemSchema = "ProblemDetails";
    public const string ValidationProblemSchema = "ValidationProblemDetails";

    private static readonly Dictionary<string, string> TagDescriptions = new(StringComparer.Ordinal)
    {
        ["Auth"] = "Sign-up, sign-in (password, then TOTP), token refresh and sign-out, password reset by email, and the patient app's activation.",
        ["Practice"] = "The caller's practice and its team: members and staff invitations.",
        ["Patients"] = "The practice's patients: records, archiving and app invitations.",
        ["Scans"] = "Scan sessions: the patient app declares a scan, uploads each photo to a pre-signed URL and submits it; the practice reads it.",
        ["Tagging"] = "Reviews of processed scans against the versioned tag taxonomy, and how the practice's doctors tag.",
        ["Messaging"] = "One thread per patient with the practice: doctors, staff and the patient write, each side marks what it read.",
        ["Dashboard"] = "The practice dashboard's read models: review queue, compliance and throughput analytics.",
        ["Audit"] = "Append-only, hash-chained audit trails: the practice's own, and the platform's (what platform users did; platform admin only).",
        ["Admin"] = "The practice's failed background work, to inspect and retry.",
        ["Exports"] = "De-identified training-data exports of the platform (platform admins): start, progress, download link.",
        ["AI"] = "Suggested tags: the model that proposes them on ready scans. Suggestions are non-diagnostic aids; a doctor confirms every tag.",
        ["Billing"] = "The practice's subscription: plans, checkout (offline or Stripe), invoices, the billing portal and Stripe's webhook.",
        ["Notifications"] = "Emails and SMS to patients and staff: what providers call back (Twilio's inbound SMS, for STOP and START).",
        ["Dev"] = "Local runs only: the dev mailbox, where emails and SMS land when no real provider is configured.",
    };

    public static IServiceCollection AddOrthoScanOpenApi(this IServiceCollection services) => services.AddOpenApi(o =>
    {
        o.CreateSchemaReferenceId = type => SchemaId(type.Type, OpenApiOptions.CreateDefaultSchemaReferenceId(type));
        o.AddOperationTransformer(OpenApiOperations.TransformAsync);
        o.AddDocumentTransformer((document, _, _) =>
        {
            Describe(document);
            return Task.CompletedTask;
        });
    });

    /// <summary>
    /// Slices nest their Command/Query/Response records: the slice prefixes the name so schema names stay unique, also
    /// inside a generic (two slices' <c>Page&lt;Item&gt;</c> were one <c>PageOfItem</c>, and one slice's items took the other's shape).
    /// </summary>
    private static string? SchemaId(Type type, string? id) => id switch
    {
        null => null,
        _ when type.DeclaringType is { } slice => slice.Name + id,
        _ when type.IsGenericType && type.GetGenericArguments() is [{ DeclaringType: { } slice } argument] && id.EndsWith("Of" + argument.Name, StringComparison.Ordinal)
            => id[..^argument.Name.Length] + slice.Name + argument.Name,
        _ => id,
    };

    private static void Describe(OpenApiDocument document)
    {
        document.Info.Title = "OrthoScan API";
        document.Info.Description =
            "Remote monitoring for clear-aligner treatment: the practice dashboard and the patient app's API. " +
            "JSON in camelCase, enum values in snake_case, ids are UUIDs, times ISO 8601 UTC. Lists answer " +
            "`{ items, nextCursor }` and take `cursor` and `limit` (default 50, at most 200). Sign in to get a bearer access " +
            "token; the practice always comes from the token, never from the URL or the body, and another practice's ids " +
            "answer 404. Errors are RFC 9457 problem details (`application/problem+json`) with a stable `type` per error.";
        // Not open source: an SPDX reference to a licence of our own, as OpenAPI 3.1 allows in place of a URL.
        document.Info.License = new OpenApiLicense { Name = "Proprietary", Identifier = "LicenseRef-OrthoScan-Proprietary" };
        // Relative: the API answers on whatever host serves this document.
        document.Servers = [new OpenApiServer { Url = "/", Description = "The host serving this document" }];

        foreach (var tag in document.Tags ?? new HashSet<OpenApiTag>())
        {
            if (tag.Name is { } name && TagDescriptions.TryGetValue(name, out var description)) tag.Description = description;
        }

        var components = document.Components ??= new OpenApiComponents();
        components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "The `accessToken` answered by POST /api/v1/auth/mfa/verify, /auth/refresh or /auth/patient/activate, " +
                          "sent as `Authorization: Bearer <token>`. It carries the caller's role and practice and lives minutes: " +
                          "refresh it with the refresh token.",
        };

        components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        // Replaced by ours: the framework's nullable-everything shapes, without traceId.
        components.Schemas.Remove("HttpValidationProblemDetails");
        components.Schemas[ProblemSchema] = Problem(withErrors: false);
        components.Schemas[ValidationProblemSchema] = Problem(withErrors: true);

        // Only the responses some operation refers to: an unused component is a lint warning.
        var used = (document.Paths ?? [])
            .SelectMany(p => p.Value.Operations ?? [])
            .SelectMany(o => o.Value.Responses ?? [])
            .Select(r => r.Value)
            .OfType<OpenApiResponseReference>()
            .Select(r => r.Reference.Id)
            .ToHashSet(StringComparer.Ordinal);
        components.Responses ??= new Dictionary<string, IOpenApiResponse>();
        foreach (var problem in ProblemResponses.All.Where(p => used.Contains(p.Name)).OrderBy(p => p.Status))
            components.Responses[problem.Name] = problem.ToResponse();
    }

    private static OpenApiSchema Problem(bool withErrors)
    {
        var properties = new Dictionary<string, IOpenApiSchema>
        {
            ["type"] = Text("Stable identifier of the error, e.g. `https://orthoscan.app/problems/not-found`: branch on this, not on the title.", "uri"),
            ["title"] = Text("Short, human-readable summary of the error."),
            ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Description = "The HTTP status code." },
            ["detail"] = Text("What happened in this case and what to do next, for a person to read."),
            ["instance"] = Text("The request path, when given."),
            ["traceId"] = Text("Identifies the request in our logs: quote it when asking for support."),
        };
        if (withErrors)
        {
            properties["errors"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Description = "The fields at fault, by path in the request (`email`, `detailTags[0].code`), each with its messages.",
                AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
            };
        }
        return new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = withErrors
                ? "An RFC 9457 problem about the request's content; `errors` names the fields at fault when there are some."
                : "An RFC 9457 problem.",
            Properties = properties,
            Required = new HashSet<string> { "type", "title", "status", "traceId" },
        };
    }

    private static OpenApiSchema Text(string description, string? format = null) =>
        new() { Type = JsonSchemaType.String, Format = format, Description = description };
}

/// <summary>One error status as every operation answering it documents it: a shared response under components.</summary>
internal sealed record ProblemResponses(int Status, string Name, string Description, bool Validation = false, bool RetryAfter = false)
{
    public static readonly ProblemResponses[] All =
    [
        new(400, "BadRequest", "The request is malformed or has invalid fields (`validation`, `malformed-request`, `invalid-cursor`); `errors` lists each field at fault.", Validation: true),
        new(401, "Unauthorized", "No valid credentials: the bearer token is missing, expired or revoked, or a sign-in step failed (see `type`)."),
        new(402, "PaymentRequired", "The practice's subscription is past due beyond its grace period (`subscription-restricted`): adding patients and staff waits until it is paid; care is never blocked."),
        new(403, "Forbidden", "The caller's role may not do this (`forbidden`)."),
        new(404, "NotFound", "No such resource for this caller (`not-found`): an id of another practice, or another patient's, answers this too."),
        new(409, "Conflict", "The resource's current state does not allow this (see `type` and `detail`)."),
        new(410, "Gone", "The patient was erased (`patient-erased`): their identity and photos can never be read again."),
        new(413, "PayloadTooLarge", "The request body is larger than 1 MB (`payload-too-large`)."),
        new(415, "UnsupportedMediaType", "The body is not sent as `application/json` in a charset the server reads (`unsupported-media-type`)."),
        new(422, "UnprocessableEntity", "Well-formed, but breaks a rule (see `type` and `detail`); `errors` names the fields at fault when there are some.", Validation: true),
        new(423, "Locked", "The account is locked for a while after repeated failed sign-ins (`account-locked`); Retry-After says for how long.", RetryAfter: true),
        new(429, "TooManyRequests", "Rate limited (`rate-limited`): wait the Retry-After seconds before trying again.", RetryAfter: true),
        new(503, "ServiceUnavailable",
            "A system the API depends on is down (`service-unavailable`), or the database is too busy (`database-busy`): " +
            "send the request again after the Retry-After seconds.", RetryAfter: true),
    ];

    public static ProblemResponses For(int status) =>
        All.FirstOrDefault(p => p.Status == status)
        ?? throw new InvalidOperationException($"HTTP {status} has no shared problem response in {nameof(ProblemResponses)}: add it there.");

    public OpenApiResponse ToResponse() => new()
    {
        Description = Description,
        Content = new Dictionary<string, OpenApiMediaType>
        {
            ["application/problem+json"] = new()
            {
                Schema = new OpenApiSchemaReference(Validation ? OpenApiContract.ValidationProblemSchema : OpenApiContract.ProblemSchema),
            },
        },
        Headers = RetryAfter
            ? new Dictionary<string, IOpenApiHeader>
            {
                ["Retry-After"] = new OpenApiHeader
                {
                    Description = "Seconds to wait before sending the request again.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32" },
                },
            }
            : null,
    };
}
