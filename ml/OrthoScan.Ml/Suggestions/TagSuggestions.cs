namespace OrthoScan.Ml.Suggestions;

/// <summary>
/// Suggests a value for each taxonomy score of one scan session. Suggestions are non-diagnostic aids that a doctor
/// confirms or overrides.
/// </summary>
public interface ITagSuggester
{
    /// <summary>"mlnet" or "openai": what the Api's configuration names.</summary>
    string Name { get; }

    /// <summary>
    /// The suggestion for a session, or null when the model's answer is unusable (outside the taxonomy, malformed): the
    /// implementation logs why, and nothing is guessed. Transport failures that may pass (timeouts, 5xx, 429) throw
    /// <see cref="SuggesterUnavailableException"/> so the caller can retry later.
    /// </summary>
    Task<SuggestionResult?> SuggestAsync(SuggestionRequest request, CancellationToken ct);
}

/// <summary>An EXIF-free display image of one view ("frontal", "buccal_l", ...), JPEG or PNG bytes.</summary>
public sealed record SuggestionImage(string View, ReadOnlyMemory<byte> Bytes, string ContentType);

/// <summary>What is known of the session besides its photos. Previous scores: the patient's last tagged session.</summary>
public sealed record SuggestionContext(double? StageFraction, int? DaysSinceLastScan, IReadOnlyDictionary<string, string>? PreviousScores);

public sealed record SuggestionRequest(IReadOnlyList<SuggestionImage> Images, SuggestionContext Context);

/// <summary>One suggested score value (a value of the taxonomy's score) with the model's confidence in [0, 1].</summary>
public sealed record SuggestedValue(string Attribute, string Value, float Confidence);

public sealed record SuggestionResult(string ModelName, string ModelVersion, IReadOnlyList<SuggestedValue> Values);

public sealed class SuggesterUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
