using System.Security.Cryptography;

namespace OrthoScan.Ml.Datasets;

/// <summary>
/// Export ids: 96 random bits from the system's cryptographic generator, with a prefix naming what they stand for.
/// Nothing of the original id goes in, so no one can derive one from the other; the writer forgets the mapping when
/// the write ends.
/// </summary>
internal static class ExportIds
{
    public static string Patient() => New("pt_");

    public static string Session() => New("ss_");

    public static string Practice() => New("pr_");

    private static string New(string prefix) => prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
}
