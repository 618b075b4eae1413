namespace OrthoScan.Ml.Datasets;

/// <summary>One session as it appears in a dataset: export ids, split, the patient's (maybe generalised)
/// quasi-identifiers, how far its tag sets agree and the paths of its images.</summary>
internal sealed record ExportedSession(
    string PatientId,
    string SessionId,
    string PracticeId,
    string Split,
    QuasiIdentifiers Identifiers,
    double? Agreement,
    IReadOnlyList<string> Images);
