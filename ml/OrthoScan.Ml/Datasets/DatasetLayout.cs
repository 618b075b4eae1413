namespace OrthoScan.Ml.Datasets;

/// <summary>
/// The files of a dataset, as written by the export and read by training. Tag set columns in order: export_patient_id,
/// export_session_id, export_practice_id, split, review_order, tag_sets_in_session, agreement (share of scores on which
/// the session's tag sets agree; empty for a single tag set), age_band, treatment_type, aligner_brand, practice_region,
/// days_since_treatment_start, days_since_last_scan, stage, total_stages, stage_fraction, then per taxonomy score
/// "{attribute}", then detail_tags (";"-joined), action, then per score "prev_{attribute}", then per score
/// "ai_{attribute}", ai_model, and images (";"-joined paths relative to the dataset root). Empty cells are unknown.
/// Images live at images/{split}/{export_session_id}_{view}.jpg.
/// </summary>
public static class DatasetLayout
{
    public const string SchemaVersion = "1";
    public const string TagSetsCsv = "tagsets.csv";
    public const string TagSetsJsonl = "tagsets.jsonl";
    public const string Manifest = "manifest.json";
    public const string DataCard = "DATASET.md";
    public const string LabelStudio = "label-studio.json";
    public const string ImagesFolder = "images";

    public const string Train = "train";
    public const string Validation = "validation";
    public const string Test = "test";
    public static readonly IReadOnlyList<string> Splits = [Train, Validation, Test];

    public static string ImagePath(string split, string exportSessionId, string view) => $"{ImagesFolder}/{split}/{exportSessionId}_{view}.jpg";
}
