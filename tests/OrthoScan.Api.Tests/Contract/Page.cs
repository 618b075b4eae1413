namespace OrthoScan.Api.Tests.Contract;

/// <summary>Every list answers <c>{ "items": [...], "nextCursor": "..." | null }</c>.</summary>
public sealed record PageDto<T>(IReadOnlyList<T> Items, string? NextCursor);
