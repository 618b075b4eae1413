using System.Text;
using System.Text.Json;

namespace OrthoScan.Api.Infrastructure.Http;

public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);

/// <summary>Keyset paging: the cursor is the opaque, encoded sort key of the last item returned.</summary>
public static class Paging
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    // A cursor is only ever one we wrote: every key field present and non-null, or it is refused.
    private static readonly JsonSerializerOptions CursorJson = new() { RespectRequiredConstructorParameters = true, RespectNullableAnnotations = true };

    public static int Limit(int? requested) => requested switch
    {
        null => DefaultLimit,
        < 1 => throw RuleViolationException.ForField("limit", "Ask for at least one item."),
        > MaxLimit => MaxLimit,
        _ => requested.Value,
    };

    public static string Encode<TKey>(TKey key) =>
        Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(key)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static TKey? Decode<TKey>(string? cursor) where TKey : class
    {
        if (string.IsNullOrEmpty(cursor)) return null;
        try
        {
            var base64 = cursor.Replace('-', '+').Replace('_', '/');
            base64 = base64.PadRight(base64.Length + (4 - base64.Length % 4) % 4, '=');
            return JsonSerializer.Deserialize<TKey>(Encoding.UTF8.GetString(Convert.FromBase64String(base64)), CursorJson)
                   ?? throw new FormatException();
        }
        catch (Exception e) when (e is FormatException or JsonException or ArgumentException)
        {
            throw new ProblemException(StatusCodes.Status400BadRequest, "invalid-cursor", "The cursor is not valid.", "Start again without a cursor.");
        }
    }

    /// <summary>Takes one more row than asked to know whether a next page exists.</summary>
    public static Page<TOut> ToPage<TRow, TOut>(List<TRow> rows, int limit, Func<TRow, TOut> map, Func<TRow, object> cursorKey) =>
        new(rows.Take(limit).Select(map).ToList(), rows.Count > limit ? Encode(cursorKey(rows[limit - 1])) : null);
}
