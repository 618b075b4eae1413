namespace OrthoScan.Ml.Datasets;

/// <summary>One file of a dataset as the manifest lists it: path, SHA-256 (lowercase hex) and size in bytes.</summary>
public sealed record DatasetFile(string Path, string Sha256, long Size);
