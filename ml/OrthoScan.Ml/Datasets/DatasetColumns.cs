namespace OrthoScan.Ml.Datasets;

/// <summary>
/// The tag set columns of tagsets.csv, in order, and the keys of tagsets.jsonl (see <see cref="DatasetLayout"/>).
/// The score columns follow the taxonomy the dataset was written with.
/// </summary>
public static class DatasetColumns
{
    public const string ExportPatientId = "export_patient_id";
    public const string ExportSessionId = "export_session_id";
    public const string ExportPracticeId = "export_practice_id";
    public const string Split = "split";
    public const string ReviewOrder = "review_order";
    public const string TagSetsInSession = "tag_sets_in_session";
    public const string Agreement = "agreement";
    public const string AgeBand = "age_band";
    public const string TreatmentType = "treatment_type";
    public const string AlignerBrand = "aligner_brand";
    public const string PracticeRegion = "practice_region";
    public const string DaysSinceTreatmentStart = "days_since_treatment_start";
    public const string DaysSinceLastScan = "days_since_last_scan";
    public const string Stage = "stage";
    public const string TotalStages = "total_stages";
    public const string StageFraction = "stage_fraction";
    public const string DetailTags = "detail_tags";
    public const string Action = "action";
    public const string AiModel = "ai_model";
    public const string Images = "images";

    /// <summary>What joins the values of a list cell (detail tags, images).</summary>
    public const char ListSeparator = ';';

    public static string Previous(string attribute) => "prev_" + attribute;

    public static string Ai(string attribute) => "ai_" + attribute;

    public static IReadOnlyList<string> For(MlTaxonomy taxonomy)
    {
        ArgumentNullException.ThrowIfNull(taxonomy);
        var scores = taxonomy.Scores.Select(s => s.Attribute).ToList();
        return
        [
            ExportPatientId, ExportSessionId, ExportPracticeId, Split, ReviewOrder, TagSetsInSession, Agreement,
            AgeBand, TreatmentType, AlignerBrand, PracticeRegion,
            DaysSinceTreatmentStart, DaysSinceLastScan, Stage, TotalStages, StageFraction,
            .. scores, DetailTags, Action,
            .. scores.Select(Previous),
            .. scores.Select(Ai), AiModel,
            Images,
        ];
    }
}
