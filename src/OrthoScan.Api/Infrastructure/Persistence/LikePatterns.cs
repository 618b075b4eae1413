namespace OrthoScan.Api.Infrastructure.Persistence;

public static class LikePatterns
{
    /// <summary>The text as a LIKE/ILIKE pattern that matches only itself: <c>\</c>, <c>%</c> and <c>_</c> escaped.</summary>
    public static string Literal(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
}
