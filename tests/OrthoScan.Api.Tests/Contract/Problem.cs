namespace OrthoScan.Api.Tests.Contract;

/// <summary>
/// An RFC 9457 problem as docs/architecture.md (Errors) documents it: <c>type</c>, <c>title</c>, <c>status</c>,
/// <c>traceId</c>, <c>detail</c> when there is one, and <c>errors</c> (field to messages) for validation. Those two
/// are the only optional members and <c>traceId</c> the only extension: any other member fails the read.
/// </summary>
public sealed record ProblemDto(
    string Type,
    string Title,
    int Status,
    string TraceId,
    string? Detail = null,
    IReadOnlyDictionary<string, IReadOnlyList<string>>? Errors = null);
