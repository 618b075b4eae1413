namespace OrthoScan.Api.Tests.Contract;

/// <summary>GET /health/ready: the overall state and each dependency's, by name.</summary>
public sealed record HealthReportDto(HealthState Status, IReadOnlyDictionary<string, HealthState> Checks);

public enum HealthState { Healthy, Degraded, Unhealthy }
