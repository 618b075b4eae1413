namespace OrthoScan.Ml.Datasets;

/// <summary>
/// The quasi-identifiers of a patient, the only patient attributes a dataset carries; k-anonymity is checked over their
/// combinations. Age band as Domain/AgeBand words ("18_29"), treatment type and aligner brand as stored ("unknown" when
/// not recorded), region as "{country}-{region}" of the practice ("unknown" when not set).
/// </summary>
public sealed record QuasiIdentifiers(string AgeBand, string TreatmentType, string AlignerBrand, string PracticeRegion);

/// <summary>How many eligible patients share one combination of quasi-identifiers (the Api counts them in SQL).</summary>
public sealed record QuasiIdentifierCount(QuasiIdentifiers Identifiers, int Patients);

/// <summary>
/// One tag set of an exportable session as the Api reads it, from an eligible patient (practice sharing data, patient
/// consenting). Rows arrive ordered by patient, then session, then tag set, so a writer keeps only the current patient in
/// memory. The original ids are for grouping only and never reach a file. Days are relative (no calendar dates): from
/// the treatment start (or the patient's first scan) to the session's receipt, and from the previous session.
/// Scores map taxonomy attributes to taxonomy values; a missing attribute was not scored. Detail tags are codes,
/// "code@location" when located. No notes or other free text.
/// </summary>
public sealed record TagSetRow(
    Guid PatientId,
    Guid PracticeId,
    Guid SessionId,
    QuasiIdentifiers Patient,
    int DaysSinceTreatmentStart,
    int? DaysSinceLastScan,
    int? Stage,
    int? TotalStages,
    int ReviewOrder,
    int TagSetsInSession,
    IReadOnlyDictionary<string, string> Scores,
    IReadOnlyList<string> DetailTags,
    string Action,
    IReadOnlyDictionary<string, string>? PreviousScores,
    IReadOnlyList<AiPrediction> Predictions,
    string TaxonomyVersion);

/// <summary>A suggestion the reviewer saw for the session ("model@version"), for the Label Studio predictions.</summary>
public sealed record AiPrediction(string Attribute, string Value, float Confidence, string Model);

/// <summary>An EXIF-free display derivative of one view of a session; the writer re-encodes it before it enters a dataset.</summary>
public sealed record DatasetImage(string View, ReadOnlyMemory<byte> Bytes);

/// <summary>Where a dataset writer gets a session's images from (the Api reads its blob store).</summary>
public interface IDatasetImageSource
{
    IAsyncEnumerable<DatasetImage> ImagesAsync(Guid sessionId, CancellationToken ct);
}

/// <summary>
/// What to write. The seed fixes the train/validation/test split of patients (the same seed and patients give the same
/// split); K is the k-anonymity threshold (at least 5). Frontal views show the face and are left out unless asked for.
/// </summary>
public sealed record DatasetOptions(
    int Seed,
    bool IncludeImages,
    bool IncludeFrontal,
    int K,
    string GeneratorVersion,
    double TrainFraction = 0.8,
    double ValidationFraction = 0.1);

/// <summary>Progress while writing: tag sets of <see cref="TagSetsTotal"/> (as counted before the write) and images.</summary>
public sealed record DatasetProgress(long TagSetsWritten, long TagSetsTotal, long ImagesWritten);

/// <summary>
/// What a finished dataset holds and what de-identification did: patients whose quasi-identifiers were generalised,
/// and patients (with their tag sets) suppressed because even the generalised combination was shared by fewer than K.
/// </summary>
public sealed record DatasetReport(
    int K,
    int Patients,
    int Sessions,
    long TagSets,
    long Images,
    int GeneralisedPatients,
    int SuppressedPatients,
    long SuppressedTagSets,
    bool FrontalIncluded,
    IReadOnlyDictionary<string, int> PatientsPerSplit);
