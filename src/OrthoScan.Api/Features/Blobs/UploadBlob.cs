using Microsoft.AspNetCore.Mvc;
using OrthoScan.Api.Infrastructure.Storage;

namespace OrthoScan.Api.Features.Blobs;

/// <summary>
/// PUT /api/v1/blobs/{token}: the local store's pre-signed upload. Anonymous: the signed token is the only authority.
/// The token fixes the key, the content type and the exact length; the body is counted as it streams in, so a body
/// longer or shorter than promised, or beyond 25 MB, is refused (403 / 413) whatever Content-Length said, and since the
/// store writes to a temp file renamed only on success, a refused upload leaves nothing stored.
/// </summary>
public static class UploadBlob
{
    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapPut(EncryptedFileBlobStore.RoutePrefix + "/{token}", Handle).AllowAnonymous().ExcludeFromDescription();
    }

    public static async Task<IResult> Handle(string token, HttpContext http, [FromServices] IBlobStore store, [FromServices] BlobUrlSigner signer, CancellationToken ct)
    {
        if (store is not EncryptedFileBlobStore local) throw new NotFoundException("upload link");
        var claims = signer.Verify(token, BlobUrlSigner.Put);
        var request = http.Request;
        if (!string.Equals(request.ContentType?.Trim(), claims.ContentType, StringComparison.OrdinalIgnoreCase))
            throw new BlobUrlRejectedException("The Content-Type is not the one this link was made for.");
        var expected = claims.ContentLength!.Value;
        if (request.ContentLength is { } declared)
        {
            if (declared > BlobLimits.MaxUploadBytes) throw new BlobTooLargeException();
            if (declared != expected) throw new BlobUrlRejectedException("The body length is not the one this link was made for.");
        }

        await using var body = new ExactLengthStream(request.Body, expected);
        await local.PutAsync(claims.Key, body, claims.ContentType!, ct);
        return Results.Ok();
    }

    /// <summary>Passes the request body through, failing as soon as it runs past the promised length or the upload limit, or ends short.</summary>
    private sealed class ExactLengthStream(Stream inner, long expected) : Stream
    {
        private long _total;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
        {
            if (buffer.Length == 0) return 0;
            // At most one byte past the promise: an overlong body is noticed without reading the rest of it.
            var room = (int)Math.Min(buffer.Length, expected - _total + 1);
            var read = await inner.ReadAsync(buffer[..room], ct);
            return Count(read);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) => ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (count == 0) return 0;
            var room = (int)Math.Min(count, expected - _total + 1);
            return Count(inner.Read(buffer, offset, room));
        }

        private int Count(int read)
        {
            _total += read;
            if (_total > BlobLimits.MaxUploadBytes) throw new BlobTooLargeException();
            if (_total > expected) throw new BlobUrlRejectedException("The body is longer than this link was made for.");
            if (read == 0 && _total != expected) throw new BlobUrlRejectedException("The body is shorter than this link was made for.");
            return read;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
