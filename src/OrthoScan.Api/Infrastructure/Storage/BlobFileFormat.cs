using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace OrthoScan.Api.Infrastructure.Storage;

/// <summary>
/// The encrypted file layout, all integers big-endian:
/// <code>
/// header: "OSBF" | version(1) | chunk size(u32) | nonce prefix(7) | wrapped key length(u16) | content type length(u8)
///         | wrapped data key | content type (ASCII)
/// body:   chunk records, each AES-256-GCM(ciphertext | tag(16)) of chunk-size plaintext bytes; the last one 0..chunk size
/// </code>
/// Chunk i is sealed with the object's own random data key, nonce = prefix(7) | i(u32) | final(1: 1 on the last chunk,
/// else 0), and associated data = the whole header followed by the object key. So a flipped bit anywhere, chunks
/// reordered, dropped or appended, a truncation at any point, a header edit or a file moved to another key all fail
/// authentication; reading streams one chunk at a time and never releases a chunk that did not authenticate.
/// The version says what wraps the data key: 1 = the master key (<see cref="IKeyProvider"/>), 2 = the key of the patient
/// the object belongs to (<see cref="PatientKeyWrap"/>), so destroying that patient key makes the object unreadable.
/// </summary>
internal static class BlobFileFormat
{
    public const byte MasterWrapped = 1;
    public const byte PatientWrapped = 2;
    public const int DefaultChunkSize = 64 * 1024;
    public const int TagSize = 16;
    public const int NoncePrefixSize = 7;
    private const int FixedHeaderSize = 4 + 1 + 4 + NoncePrefixSize + 2 + 1;
    private const int MinChunkSize = 1024;
    private const int MaxChunkSize = 1024 * 1024;
    private const int MaxWrappedKeySize = 4096;
    private static ReadOnlySpan<byte> Magic => "OSBF"u8;

    public static byte[] BuildHeader(byte version, int chunkSize, ReadOnlySpan<byte> noncePrefix, byte[] wrappedKey, string contentType)
    {
        var type = Encoding.ASCII.GetBytes(contentType);
        if (wrappedKey.Length is 0 or > MaxWrappedKeySize || type.Length is 0 or > 255) throw new ArgumentException("Header field out of range.");
        var header = new byte[FixedHeaderSize + wrappedKey.Length + type.Length];
        var span = header.AsSpan();
        Magic.CopyTo(span);
        span[4] = version is MasterWrapped or PatientWrapped ? version : throw new ArgumentOutOfRangeException(nameof(version));
        BinaryPrimitives.WriteUInt32BigEndian(span[5..], (uint)chunkSize);
        noncePrefix.CopyTo(span.Slice(9, NoncePrefixSize));
        BinaryPrimitives.WriteUInt16BigEndian(span[16..], (ushort)wrappedKey.Length);
        span[18] = (byte)type.Length;
        wrappedKey.CopyTo(span[FixedHeaderSize..]);
        type.CopyTo(span[(FixedHeaderSize + wrappedKey.Length)..]);
        return header;
    }

    public sealed record Header(byte[] Bytes, byte Version, int ChunkSize, byte[] NoncePrefix, byte[] WrappedKey, string ContentType);

    /// <summary>Reads and checks the header's shape (its integrity is checked by every chunk's tag).</summary>
    public static async Task<Header> ReadHeaderAsync(Stream file, string key, CancellationToken ct)
    {
        var fixedPart = new byte[FixedHeaderSize];
        if (await file.ReadAtLeastAsync(fixedPart, FixedHeaderSize, throwOnEndOfStream: false, ct) != FixedHeaderSize || !fixedPart.AsSpan(0, 4).SequenceEqual(Magic))
            throw new BlobCorruptedException(key, "not an encrypted blob");
        if (fixedPart[4] is not (MasterWrapped or PatientWrapped)) throw new BlobCorruptedException(key, $"unknown format version {fixedPart[4]}");
        var chunkSize = BinaryPrimitives.ReadUInt32BigEndian(fixedPart.AsSpan(5));
        var wrappedLength = BinaryPrimitives.ReadUInt16BigEndian(fixedPart.AsSpan(16));
        var typeLength = fixedPart[18];
        if (chunkSize is < MinChunkSize or > MaxChunkSize || wrappedLength is 0 or > MaxWrappedKeySize || typeLength == 0)
            throw new BlobCorruptedException(key, "header out of range");

        var bytes = new byte[FixedHeaderSize + wrappedLength + typeLength];
        fixedPart.CopyTo(bytes, 0);
        if (await file.ReadAtLeastAsync(bytes.AsMemory(FixedHeaderSize), wrappedLength + typeLength, throwOnEndOfStream: false, ct) != wrappedLength + typeLength)
            throw new BlobCorruptedException(key, "truncated header");
        var contentType = Encoding.ASCII.GetString(bytes, FixedHeaderSize + wrappedLength, typeLength);
        return new Header(bytes, fixedPart[4], (int)chunkSize, bytes[9..16], bytes[FixedHeaderSize..(FixedHeaderSize + wrappedLength)], contentType);
    }

    /// <summary>The authenticated data of every chunk: the header, then the object key.</summary>
    public static byte[] AssociatedData(byte[] header, string key)
    {
        var keyBytes = Encoding.UTF8.GetBytes(key);
        var aad = new byte[header.Length + keyBytes.Length];
        header.CopyTo(aad, 0);
        keyBytes.CopyTo(aad, header.Length);
        return aad;
    }

    public static void Nonce(Span<byte> nonce, ReadOnlySpan<byte> prefix, uint index, bool final)
    {
        prefix.CopyTo(nonce);
        BinaryPrimitives.WriteUInt32BigEndian(nonce[NoncePrefixSize..], index);
        nonce[11] = final ? (byte)1 : (byte)0;
    }

    /// <summary>Encrypts <paramref name="content"/> to <paramref name="output"/> in chunk records, reading one chunk ahead to know the last.</summary>
    public static async Task WriteBodyAsync(Stream content, Stream output, AesGcm aes, byte[] noncePrefix, byte[] aad, int chunkSize, CancellationToken ct)
    {
        var current = new byte[chunkSize];
        var next = new byte[chunkSize];
        var record = new byte[chunkSize + TagSize];
        var nonce = new byte[12];
        var currentLength = await content.ReadAtLeastAsync(current, chunkSize, throwOnEndOfStream: false, ct);
        for (uint index = 0; ; index = checked(index + 1))
        {
            var nextLength = currentLength < chunkSize ? 0 : await content.ReadAtLeastAsync(next, chunkSize, throwOnEndOfStream: false, ct);
            var final = nextLength == 0;
            Nonce(nonce, noncePrefix, index, final);
            aes.Encrypt(nonce, current.AsSpan(0, currentLength), record.AsSpan(0, currentLength), record.AsSpan(currentLength, TagSize), aad);
            await output.WriteAsync(record.AsMemory(0, currentLength + TagSize), ct);
            if (final) break;
            (current, next) = (next, current);
            currentLength = nextLength;
        }
        CryptographicOperations.ZeroMemory(current);
        CryptographicOperations.ZeroMemory(next);
    }
}

/// <summary>An object failed authentication: tampered, truncated, moved from another key, or wrapped under another master key.</summary>
public sealed class BlobCorruptedException(string key, string reason, Exception? inner = null)
    : CryptographicException($"The stored object '{key}' failed its integrity check ({reason}).", inner);

/// <summary>
/// Decrypts an encrypted blob file chunk by chunk. Only authenticated chunks are ever returned; a chunk that fails
/// throws <see cref="BlobCorruptedException"/>, so a reader gets a prefix of the true bytes and then an error, never other bytes.
/// </summary>
public sealed class BlobReadStream : Stream
{
    private readonly Stream _file;
    private readonly AesGcm _aes;
    private readonly BlobFileFormat.Header _header;
    private readonly byte[] _aad;
    private readonly string _key;
    private readonly long _chunkCount;
    private readonly int _lastRecordLength;
    private readonly byte[] _record;
    private readonly byte[] _plain;
    private readonly byte[] _nonce = new byte[12];
    private long _nextChunk;
    private int _plainOffset;
    private int _plainLength;

    /// <param name="file">Positioned after the header.</param>
    /// <param name="totalLength">The stored object's length, header included.</param>
    internal BlobReadStream(Stream file, long totalLength, BlobFileFormat.Header header, byte[] dataKey, string key)
    {
        _file = file;
        _header = header;
        _key = key;
        _aad = BlobFileFormat.AssociatedData(header.Bytes, key);
        ContentType = header.ContentType;

        // The chunk count follows from the file's length; the last chunk is the one sealed as final, so a file cut or
        // extended anywhere fails on the chunk that no longer sits where it was sealed.
        long recordSize = header.ChunkSize + BlobFileFormat.TagSize;
        var body = totalLength - header.Bytes.Length;
        if (body < BlobFileFormat.TagSize) throw new BlobCorruptedException(key, "no chunk");
        _chunkCount = (body + recordSize - 1) / recordSize;
        _lastRecordLength = (int)(body - (_chunkCount - 1) * recordSize);
        if (_lastRecordLength < BlobFileFormat.TagSize || _chunkCount > uint.MaxValue) throw new BlobCorruptedException(key, "truncated chunk");
        ContentLength = body - _chunkCount * BlobFileFormat.TagSize;
        _record = new byte[recordSize];
        _plain = new byte[header.ChunkSize];
        _aes = new AesGcm(dataKey, BlobFileFormat.TagSize);
    }

    /// <summary>The content type stored with the object.</summary>
    public string ContentType { get; }

    /// <summary>The plaintext length, from the file's size (the bytes themselves are authenticated as they are read).</summary>
    public long ContentLength { get; }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>Decrypts the first chunk now, so a wrong key or a moved file fails when the object is opened.</summary>
    internal async Task PrimeAsync(CancellationToken ct)
    {
        if (_nextChunk == 0) await LoadNextChunkAsync(ct);
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_plainOffset == _plainLength)
        {
            if (_nextChunk == _chunkCount) return 0;
            var length = RecordLength();
            try
            {
                _file.ReadExactly(_record, 0, length);
            }
            catch (EndOfStreamException e)
            {
                throw new BlobCorruptedException(_key, "truncated while reading", e);
            }
            Open(length);
        }
        return CopyOut(buffer);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) => ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        if (_plainOffset == _plainLength)
        {
            if (_nextChunk == _chunkCount) return 0;
            await LoadNextChunkAsync(ct);
        }
        return CopyOut(buffer.Span);
    }

    private async Task LoadNextChunkAsync(CancellationToken ct)
    {
        var length = RecordLength();
        try
        {
            await _file.ReadExactlyAsync(_record.AsMemory(0, length), ct);
        }
        catch (EndOfStreamException e)
        {
            throw new BlobCorruptedException(_key, "truncated while reading", e);
        }
        Open(length);
    }

    private int RecordLength() => _nextChunk == _chunkCount - 1 ? _lastRecordLength : _record.Length;

    private void Open(int recordLength)
    {
        var final = _nextChunk == _chunkCount - 1;
        var plainLength = recordLength - BlobFileFormat.TagSize;
        BlobFileFormat.Nonce(_nonce, _header.NoncePrefix, (uint)_nextChunk, final);
        try
        {
            _aes.Decrypt(_nonce, _record.AsSpan(0, plainLength), _record.AsSpan(plainLength, BlobFileFormat.TagSize), _plain.AsSpan(0, plainLength), _aad);
        }
        catch (CryptographicException e)
        {
            _plainOffset = _plainLength = 0;
            throw new BlobCorruptedException(_key, $"chunk {_nextChunk} did not authenticate", e);
        }
        _nextChunk++;
        _plainOffset = 0;
        _plainLength = plainLength;
    }

    private int CopyOut(Span<byte> buffer)
    {
        var count = Math.Min(buffer.Length, _plainLength - _plainOffset);
        _plain.AsSpan(_plainOffset, count).CopyTo(buffer);
        _plainOffset += count;
        return count;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _aes.Dispose();
            _file.Dispose();
            CryptographicOperations.ZeroMemory(_plain);
        }
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        _aes.Dispose();
        await _file.DisposeAsync();
        CryptographicOperations.ZeroMemory(_plain);
        await base.DisposeAsync();
    }
}
