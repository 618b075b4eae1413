using System.Globalization;

namespace OrthoScan.Api.Infrastructure;

/// <summary>Field rules that more than one feature area validates the same way.</summary>
public static class FieldRules
{
    private static readonly HashSet<string> TimeZones = TimeZoneInfo.GetSystemTimeZones().Select(z => z.Id).Append("UTC").ToHashSet();

    public static IRuleBuilderOptions<T, string?> TimeZone<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(z => z is null || TimeZones.Contains(z)).WithMessage("Use an IANA time zone such as Europe/Paris.");

    /// <summary>
    /// An Idempotency-Key header: at most 100 letters, digits, '.', '_' or '-' (a UUID is best). Keys are only ever
    /// compared, but a key that is also a path, a quote or a control character has no business in our rows and logs.
    /// </summary>
    public static IRuleBuilderOptions<T, string?> IdempotencyKey<T>(this IRuleBuilder<T, string?> rule) =>
        rule.MaximumLength(100).Matches("^[A-Za-z0-9._-]+$").WithMessage("Use letters, digits, '.', '_' or '-' in the Idempotency-Key (a UUID is best).");

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
