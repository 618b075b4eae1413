using System.Text.RegularExpressions;

namespace OrthoScan.Api.Infrastructure.Storage;

/// <summary>
/// The only object keys any store accepts: "/"-separated segments of ASCII letters, digits, '-', '_' and '.', each
/// starting with a letter or digit (so no ".", "..", hidden or empty segment), no leading "/", at most 512 characters.
/// Content types are checked as plain "type/subtype" tokens, so they are safe to echo in a header.
/// </summary>
public static partial class BlobKeys
{
    public const int MaxLength = 512;

    public static bool IsValid(string? key) => key is { Length: > 0 and <= MaxLength } && KeyShape().IsMatch(key);

    public static string Validate(string? key) =>
        IsValid(key) ? key! : throw new InvalidBlobKeyException("The object key is not allowed: segments of [A-Za-z0-9._-] separated by '/', each starting with a letter or digit.");

    /// <summary>The content type in lower case, or an exception when it is not a bare "type/subtype".</summary>
    public static string NormalizeContentType(string? contentType) =>
        contentType is { Length: > 0 and <= 127 } && ContentTypeShape().IsMatch(contentType)
            ? contentType.ToLowerInvariant()
            : throw new ArgumentException("The content type must be a bare type/subtype, without parameters.", nameof(contentType));

    // \z, not $: $ also matches before a final "\n".
    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]*(?:/[A-Za-z0-9][A-Za-z0-9._-]*)*\z", RegexOptions.CultureInvariant)]
    private static partial Regex KeyShape();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*\z", RegexOptions.CultureInvariant)]
    private static partial Regex ContentTypeShape();
}

public sealed class InvalidBlobKeyException(string message) : ArgumentException(message);

public static class BlobLimits
{
    /// <summary>Largest photo a client may upload: 25 MB.</summary>
    public const long MaxUploadBytes = 25L * 1024 * 1024;

    /// <summary>Upload URLs live at most this long, whatever the caller asks.</summary>
    public static readonly TimeSpan MaxUploadLifetime = TimeSpan.FromMinutes(5);

    /// <summary>Download URLs live at most this long, whatever the caller asks (they are bearer links to PHI).</summary>
    public static readonly TimeSpan MaxDownloadLifetime = TimeSpan.FromMinutes(15);

    public static TimeSpan CapUpload(TimeSpan lifetime) => Cap(lifetime, MaxUploadLifetime);

    public static TimeSpan CapDownload(TimeSpan lifetime) => Cap(lifetime, MaxDownloadLifetime);

    public static long CheckUploadLength(long contentLength) =>
        contentLength is >= 1 and <= MaxUploadBytes
            ? contentLength
            : throw new ArgumentOutOfRangeException(nameof(contentLength), contentLength, $"An upload is 1 to {MaxUploadBytes} bytes.");

    private static TimeSpan Cap(TimeSpan lifetime, TimeSpan max) =>
        lifetime > TimeSpan.Zero ? (lifetime < max ? lifetime : max) : throw new ArgumentOutOfRangeException(nameof(lifetime), "A URL lifetime must be positive.");
}
