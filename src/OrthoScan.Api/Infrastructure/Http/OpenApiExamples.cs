namespace OrthoScan.Api.Infrastructure.Http;

/// <summary>An example body of an endpoint: its request's (no status) or its response's with that status.</summary>
public sealed record EndpointExample(object Value, int? Status);

/// <summary>
/// Examples are the slice's own records, serialized as the API serializes them (<see cref="OpenApiOperations"/>), so a
/// renamed field renames the example too instead of leaving it stale.
/// </summary>
public static class OpenApiExamples
{
    // Shapes of real values, not working ones.
    public const string Password = "correct-horse-battery-staple";
    public const string MfaToken = "eyJhbGciOiJSUzI1NiJ9.eyJwdXJwb3NlIjoibWZhIn0.c2lnbmF0dXJl";
    public const string AccessToken = "eyJhbGciOiJSUzI1NiJ9.eyJyb2xlIjoib3duZXIifQ.c2lnbmF0dXJl";
    public const string RefreshToken = "u8Xq2vN4rT7pK1mZ9cL3sW6yB0dF5gH8jQ2aE4tR7uI";

    public static RouteHandlerBuilder WithRequestExample(this RouteHandlerBuilder endpoint, object example) =>
        endpoint.WithMetadata(new EndpointExample(example, null));

    public static RouteHandlerBuilder WithResponseExample(this RouteHandlerBuilder endpoint, object example, int status = StatusCodes.Status200OK) =>
        endpoint.WithMetadata(new EndpointExample(example, status));
}
