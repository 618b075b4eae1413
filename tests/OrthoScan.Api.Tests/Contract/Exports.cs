namespace OrthoScan.Api.Tests.Contract;

/// <summary>POST /tags/export, GET /tags/export/{id}, and the items of GET /tags/export: a training-data export.</summary>
public sealed record ExportViewDto(
    Guid Id, ExportStatus Status, bool IncludeImages, bool IncludeFrontal, int Seed, int K, ExportProgressDto Progress, ExportReportDto? Report,
    string? DownloadUrl, DateTime? DownloadExpiresAt, long? SizeBytes, DateTime CreatedAt, DateTime? StartedAt, DateTime? CompletedAt, string? Error);

public sealed record ExportProgressDto(long TagSetsWritten, long TagSetsTotal, long ImagesWritten, int Percent);

/// <summary>The de-identification report of a completed export.</summary>
public sealed record ExportReportDto(
    int K, int Patients, int Sessions, long TagSets, long Images, int GeneralisedPatients, int SuppressedPatients, long SuppressedTagSets,
    bool FrontalIncluded, PatientsPerSplitDto PatientsPerSplit);

public sealed record PatientsPerSplitDto(int Train, int Validation, int Test);

public enum ExportStatus { Queued, Running, Completed, Failed }
