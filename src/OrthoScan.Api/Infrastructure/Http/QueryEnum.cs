using System.Text.Json;

namespace OrthoScan.Api.Infrastructure.Http;

/// <summary>Query-string enums in the same snake_case words as JSON bodies ("archived", "buccal_l").</summary>
public static class QueryEnum
{
    public static TEnum? Parse<TEnum>(string? value, string field) where TEnum : struct, Enum
    {
        if (string.IsNullOrEmpty(value)) return null;
        foreach (var candidate in Enum.GetValues<TEnum>())
        {
            if (JsonNamingPolicy.SnakeCaseLower.ConvertName(candidate.ToString()) == value) return candidate;
        }
        var allowed = string.Join(", ", Enum.GetValues<TEnum>().Select(e => JsonNamingPolicy.SnakeCaseLower.ConvertName(e.ToString())));
        throw new InvalidFieldException(field, $"Use one of: {allowed}.", $"Unknown {field}.");
    }
}
