using System.Text.Json;
using OrthoScan.Api.Infrastructure.Jobs;
using OrthoScan.Api.Infrastructure.Storage;
using OrthoScan.Ml.Datasets;

namespace OrthoScan.Api.Features.Exports;

/// <param name="TagSetsWritten">While running, the tag sets read and handed to the writer; once completed, those written (without the suppressed).</param>
/// <param name="TagSetsTotal">Eligible tag sets counted before writing (0 until counted); suppression may leave some unwritten.</param>
/// <param name="Percent">0-100; 100 only once completed.</param>
public sealed record ExportProgress(long TagSetsWritten, long TagSetsTotal, long ImagesWritten, int Percent);

public sealed record PatientsPerSplit(int Train, int Validation, int Test);

/// <summary>What the dataset holds and what de-identification did (counts only).</summary>
public sealed record ExportReport(
    int K, int Patients, int Sessions, long TagSets, long Images, int GeneralisedPatients, int SuppressedPatients, long SuppressedTagSets,
    bool FrontalIncluded, PatientsPerSplit PatientsPerSplit)
{
    public static ExportReport From(DatasetReport report) => new(
        report.K, report.Patients, report.Sessions, report.TagSets, report.Images, report.GeneralisedPatients, report.SuppressedPatients,
        report.SuppressedTagSets, report.FrontalIncluded,
        new PatientsPerSplit(
            report.PatientsPerSplit.GetValueOrDefault(DatasetLayout.Train), report.PatientsPerSplit.GetValueOrDefault(DatasetLayout.Validation),
            report.PatientsPerSplit.GetValueOrDefault(DatasetLayout.Test)));
}

/// <param name="DownloadUrl">Only when completed: a short-lived signed link, minted fresh on each read.</param>
public sealed record ExportView(
    Guid Id, TagExportStatus Status, bool IncludeImages, bool IncludeFrontal, int Seed, int K, ExportProgress Progress, ExportReport? Report,
    string? DownloadUrl, DateTime? DownloadExpiresAt, long? SizeBytes, DateTime CreatedAt, DateTime? StartedAt, DateTime? CompletedAt, string? Error);

public static class ExportViews
{
    /// <summary>A download link lives long enough to start the download, and not long enough to be worth passing around.</summary>
    public static readonly TimeSpan DownloadLifetime = TimeSpan.FromMinutes(5);

    public static readonly ExportView Example = new(
        Guid.Parse("019a0000-0000-7000-8000-00000000e001"), TagExportStatus.Completed, true, false, 1234, 5,
        new ExportProgress(18_240, 18_300, 45_600, 100),
        new ExportReport(5, 2_410, 9_120, 18_240, 45_600, 130, 12, 60, false, new PatientsPerSplit(1_928, 241, 241)),
        "/api/v1/tags/export/download/eyJtIjoiR0VULUVYUE9SVCJ9.c2lnbmF0dXJl", new DateTime(2026, 12, 7, 10, 5, 0, DateTimeKind.Utc), 734_003_200,
        new DateTime(2026, 12, 7, 9, 40, 0, DateTimeKind.Utc), new DateTime(2026, 12, 7, 9, 40, 1, DateTimeKind.Utc),
        new DateTime(2026, 12, 7, 9, 58, 0, DateTimeKind.Utc), null);

    public static ExportView ToView(TagExport export, BlobUrlSigner signer, Guid? viewer, DateTime now)
    {
        var total = export.TagSetsTotal ?? 0;
        var percent = export.Status == TagExportStatus.Completed ? 100
            : total == 0 ? 0
            : (int)Math.Min(99, export.TagSetsWritten * 100 / total);
        string? url = null;
        DateTime? expires = null;
        if (export is { Status: TagExportStatus.Completed, BlobKey: { } key })
        {
            expires = now + DownloadLifetime;
            url = DownloadTagExport.Url(signer, key, viewer, expires.Value);
        }
        var report = export.Report is null ? null : JsonSerializer.Deserialize<ExportReport>(export.Report, JobPayload.Json);
        return new ExportView(
            export.Id, export.Status, export.IncludeImages, export.IncludeFrontal, export.Seed, export.K,
            new ExportProgress(export.TagSetsWritten, total, export.ImagesWritten, percent), report, url, expires, export.SizeBytes,
            export.CreatedAt, export.StartedAt, export.CompletedAt, export.Error);
    }
}
