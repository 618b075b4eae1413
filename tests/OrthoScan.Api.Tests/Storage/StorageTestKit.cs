using System.Security.Cryptography;
using OrthoScan.Api.Infrastructure.Storage;

namespace OrthoScan.Api.Tests.Storage;

/// <summary>A clock the test moves by hand.</summary>
public sealed class ManualClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;
    public override DateTimeOffset GetUtcNow() => Now;
}

public static class StorageTestKit
{
    public static byte[] RandomBytes(int length) => RandomNumberGenerator.GetBytes(length);

    public static string NewKey(string prefix = "practices/p1/patients/a1") => $"{prefix}/{Guid.NewGuid():N}.jpg";

    public static string TempFolder()
    {
        var path = Path.Combine(Path.GetTempPath(), "orthoscan-storage-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    public static EncryptedFileBlobStore LocalStore(string root, byte[]? wrappingKey = null, TimeProvider? clock = null, string? publicBaseUrl = null)
    {
        clock ??= TimeProvider.System;
        return new EncryptedFileBlobStore(root, new LocalKeyProvider((wrappingKey ?? RandomBytes(32)).ToArray()),
            new BlobUrlSigner(RandomBytes(32), clock), clock, publicBaseUrl);
    }

    public static async Task<byte[]> ReadAllAsync(Stream stream)
    {
        await using (stream)
        {
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy);
            return copy.ToArray();
        }
    }

    /// <summary>Reads an object to its end, keeping what came out before any failure.</summary>
    public static async Task<(byte[] Read, Exception? Error)> TryReadAsync(IBlobStore store, string key)
    {
        using var copy = new MemoryStream();
        try
        {
            await using var stream = await store.OpenReadAsync(key, default) ?? throw new FileNotFoundException(key);
            await stream.CopyToAsync(copy);
            return (copy.ToArray(), null);
        }
        catch (Exception e)
        {
            return (copy.ToArray(), e);
        }
    }

    /// <summary>A body of unknown length: the client sends it chunked, without Content-Length.</summary>
    public sealed class UnknownLengthContent(byte[] bytes, string contentType) : HttpContent
    {
        public UnknownLengthContent(long length, string contentType) : this(new byte[length], contentType) { }

        public byte[] Bytes { get; } = bytes;

        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            Headers.ContentType ??= new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
            for (var offset = 0; offset < Bytes.Length; offset += 256 * 1024)
                await stream.WriteAsync(Bytes.AsMemory(offset, Math.Min(256 * 1024, Bytes.Length - offset)));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = -1;
            return false;
        }
    }
}
