namespace OrthoScan.Api.Infrastructure.Http;

/// <summary>
/// What this process does, from `--role api|worker|all` (default all), so ECS can scale the API and the worker apart.
/// The worker is still a web host, for its health checks; it maps no API, docs or dashboard.
/// </summary>
public enum HostRole { All, Api, Worker }

public static class HostRoles
{
    public const string Key = "role";

    public static HostRole From(IConfiguration configuration) => configuration[Key]?.Trim().ToLowerInvariant() switch
    {
        null or "" or "all" => HostRole.All,
        "api" => HostRole.Api,
        "worker" => HostRole.Worker,
        var other => throw new InvalidOperationException($"--role must be api, worker or all, not '{other}'."),
    };

    public static bool ServesApi(this HostRole role) => role != HostRole.Worker;
    public static bool RunsJobs(this HostRole role) => role != HostRole.Api;
}
