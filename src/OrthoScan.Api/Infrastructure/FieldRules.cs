using System.Globalization;

namespace OrthoScan.Api.Infrastructure;

/// <summary>Field rules that more than one feature area validates the same way.</summary>
public static class FieldRules
{
    private static readonly HashSet<string> TimeZones = TimeZoneInfo.GetSystemTimeZones().Select(z => z.Id).Append("UTC").ToHashSet();

    public static IRuleBuilderOptions<T, string?> TimeZone<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(z => z is null || TimeZones.Contains(z)).WithMessage("Use an IANA time zone such as Europe/Paris.");

    /// <summary>An ISO 3166-1 alpha-2 country code in capitals (GB, US, DE).</summary>
    public static IRuleBuilderOptions<T, string?> CountryCode<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(c => c is null || IsCountry(c)).WithMessage("Use a two-letter ISO 3166 country code such as GB or US.");

    private static bool IsCountry(string code)
    {
        if (code.Length != 2 || !code.All(char.IsAsciiLetterUpper)) return false;
        try
        {
            return new RegionInfo(code).TwoLetterISORegionName == code;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
