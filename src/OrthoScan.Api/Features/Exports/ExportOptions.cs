namespace OrthoScan.Api.Features.Exports;

public sealed class ExportOptions
{
    public const string Section = "OrthoScan:Exports";

    /// <summary>How often (in tag set rows read) a running export saves its progress for the admin's progress bar.</summary>
    public int ProgressEveryRows { get; set; } = 1000;
}
