namespace OrthoScan.Api.Infrastructure.Http;

public static class Routes
{
    public const string V1 = "/api/v1";
}
