using System.Security.Cryptography;

namespace OrthoScan.Api.Infrastructure.Storage;

/// <summary>
/// The embedded store: one file per object under a root folder, encrypted with AES-256-GCM under a fresh data key per
/// object (see <see cref="BlobFileFormat"/>), the data key wrapped under its patient's key when the object belongs to a
/// patient and a keyring is given (crypto-shredding, ADR 0013), else by the <see cref="IKeyProvider"/>. Writes go to a temp
/// file in the same folder, are flushed to disk, then renamed over the target, so a reader sees the old object or the
/// new one, never half of one. Its upload and download URLs point at this API's /api/v1/blobs/{token} endpoints.
/// </summary>
public sealed class EncryptedFileBlobStore : IBlobStore, IProxiedBlobStore
{
    public const string RoutePrefix = Routes.V1 + "/blobs";
    private const string Suffix = ".blob";
    private readonly ObjectDataKeys _keys;
    private readonly BlobUrlSigner _signer;
    private readonly TimeProvider _clock;
    private readonly string _publicBaseUrl;
    private readonly int _chunkSize;

    public EncryptedFileBlobStore(string root, IKeyProvider keys, BlobUrlSigner signer, TimeProvider clock, string? publicBaseUrl = null,
        int chunkSize = BlobFileFormat.DefaultChunkSize, IPatientKeyring? patientKeys = null)
    {
        Root = Path.GetFullPath(root);
        _keys = new ObjectDataKeys(keys, patientKeys);
        _signer = signer;
        _clock = clock;
        _publicBaseUrl = (publicBaseUrl ?? "").TrimEnd('/');
        _chunkSize = chunkSize;
    }

    /// <summary>The absolute root folder.</summary>
    public string Root { get; }

    public UploadGrant CreateUpload(string key, string contentType, long contentLength, TimeSpan lifetime)
    {
        BlobKeys.Validate(key);
        var type = BlobKeys.NormalizeContentType(contentType);
        BlobLimits.CheckUploadLength(contentLength);
        var expires = _clock.GetUtcNow() + BlobLimits.CapUpload(lifetime);
        var token = _signer.CreateToken(BlobUrlSigner.Put, key, type, contentLength, expires);
        return new UploadGrant(Url(token), BlobUrlSigner.Put, new Dictionary<string, string> { ["Content-Type"] = type },
            DateTimeOffset.FromUnixTimeSeconds(expires.ToUnixTimeSeconds()).UtcDateTime);
    }

    public Uri CreateDownloadUrl(string key, TimeSpan lifetime)
    {
        BlobKeys.Validate(key);
        var expires = _clock.GetUtcNow() + BlobLimits.CapDownload(lifetime);
        return Url(_signer.CreateToken(BlobUrlSigner.Get, key, null, null, expires));
    }

    public async Task PutAsync(string key, Stream content, string contentType, CancellationToken ct)
    {
        var path = PathOf(key);
        var type = BlobKeys.NormalizeContentType(contentType);
        var folder = Path.GetDirectoryName(path)!;
        CreateFolder(folder);

        var dataKey = await _keys.NewAsync(key, ct);
        var temp = Path.Combine(folder, "." + Path.GetFileName(path) + "." + Convert.ToHexString(RandomNumberGenerator.GetBytes(8)) + ".tmp");
        try
        {
            var noncePrefix = RandomNumberGenerator.GetBytes(BlobFileFormat.NoncePrefixSize);
            var header = BlobFileFormat.BuildHeader(dataKey.Version, _chunkSize, noncePrefix, dataKey.Wrapped, type);
            await using (var file = new FileStream(temp, WriteOptions()))
            using (var aes = new AesGcm(dataKey.Plaintext, BlobFileFormat.TagSize))
            {
                await file.WriteAsync(header, ct);
                await BlobFileFormat.WriteBodyAsync(content, file, aes, noncePrefix, BlobFileFormat.AssociatedData(header, key), _chunkSize, ct);
                await file.FlushAsync(ct);
                file.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey.Plaintext);
        }
    }

    public async Task<Stream?> OpenReadAsync(string key, CancellationToken ct) => await OpenAsync(key, ct);

    public async Task<BlobDownload?> OpenDownloadAsync(string key, CancellationToken ct) =>
        await OpenAsync(key, ct) is { } blob ? new BlobDownload(blob, blob.ContentType, blob.ContentLength) : null;

    /// <summary>The object as a decrypting stream with its content type and length, or null when it does not exist.</summary>
    public async Task<BlobReadStream?> OpenAsync(string key, CancellationToken ct)
    {
        var path = PathOf(key);
        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 0, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }

        BlobReadStream? stream = null;
        try
        {
            var header = await BlobFileFormat.ReadHeaderAsync(file, key, ct);
            var dataKey = await _keys.UnwrapAsync(key, header.Version, header.WrappedKey, ct);
            try
            {
                stream = new BlobReadStream(file, file.Length, header, dataKey, key);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(dataKey);
            }
            await stream.PrimeAsync(ct);
            return stream;
        }
        catch
        {
            if (stream is not null) await stream.DisposeAsync();
            else await file.DisposeAsync();
            throw;
        }
    }

    public Task<bool> ExistsAsync(string key, CancellationToken ct) => Task.FromResult(File.Exists(PathOf(key)));

    public Task DeleteAsync(string key, CancellationToken ct)
    {
        var path = PathOf(key);
        try
        {
            File.Delete(path);
        }
        catch (DirectoryNotFoundException)
        {
            // Its folder was never made: nothing to delete.
        }
        return Task.CompletedTask;
    }

    /// <summary>The file of a key: only for keys <see cref="BlobKeys"/> accepts, and checked to stay under the root.</summary>
    internal string PathOf(string key)
    {
        BlobKeys.Validate(key);
        var path = Path.GetFullPath(Path.Combine(Root, key + Suffix));
        if (!path.StartsWith(Root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new InvalidBlobKeyException("The object key leaves the store's folder.");
        return path;
    }

    private Uri Url(string token) => _publicBaseUrl.Length == 0
        ? new Uri($"{RoutePrefix}/{token}", UriKind.Relative)
        : new Uri($"{_publicBaseUrl}{RoutePrefix}/{token}", UriKind.Absolute);

    private static FileStreamOptions WriteOptions()
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None, Options = FileOptions.Asynchronous };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        return options;
    }

    private void CreateFolder(string folder)
    {
        if (Directory.Exists(folder)) return;
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(folder);
        else
        {
            // Owner-only folders, from the root down.
            Directory.CreateDirectory(Root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: a leftover ".*.tmp" file is never read as an object (keys cannot start with ".").
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
