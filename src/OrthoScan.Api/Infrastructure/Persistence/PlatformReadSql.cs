namespace OrthoScan.Api.Infrastructure.Persistence;

/// <summary>The platform read path's database names (ADR 0009).</summary>
public static class PlatformReadSql
{
    /// <summary>NOLOGIN owner of the platform read functions; created outside migrations, like the app role.</summary>
    public const string PlatformRole = "orthoscan_platform";

    /// <summary>Per practice: name, plan, status, active patients, scans per week and tagging rate; no patient's identity.</summary>
    public const string PracticeOverview = "platform_practice_overview";
}
