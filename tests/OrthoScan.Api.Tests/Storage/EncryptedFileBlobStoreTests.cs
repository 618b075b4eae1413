using System.Security.Cryptography;
using System.Text;
using OrthoScan.Api.Infrastructure.Storage;
using Shouldly;
using static OrthoScan.Api.Tests.Storage.StorageTestKit;

namespace OrthoScan.Api.Tests.Storage;

/// <summary>The embedded store: AES-256-GCM envelope encryption in 64 KiB authenticated chunks, atomic writes, strict keys.</summary>
public sealed class EncryptedFileBlobStoreTests : IDisposable
{
    private const int Chunk = 64 * 1024;
    private readonly string _root = TempFolder();
    private readonly byte[] _wrappingKey = RandomBytes(32);
    private readonly EncryptedFileBlobStore _store;

    public EncryptedFileBlobStoreTests() => _store = LocalStore(_root, _wrappingKey);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(Chunk - 1)]
    [InlineData(Chunk)]
    [InlineData(Chunk + 1)]
    [InlineData(3 * Chunk)]
    [InlineData(5 * 1024 * 1024)]
    public async Task Round_trips_random_bytes(int size)
    {
        var key = NewKey();
        var bytes = RandomBytes(size);
        await _store.PutAsync(key, new MemoryStream(bytes), "image/jpeg", default);

        (await _store.ExistsAsync(key, default)).ShouldBeTrue();
        await using var blob = await _store.OpenAsync(key, default);
        blob.ShouldNotBeNull();
        blob.ContentType.ShouldBe("image/jpeg");
        blob.ContentLength.ShouldBe(size);
        (await ReadAllAsync(blob)).ShouldBe(bytes);

        // The file is the plaintext plus a header and a 16-byte tag per chunk: nothing is held back or padded.
        var chunks = Math.Max(1, (size + Chunk - 1) / Chunk);
        (new FileInfo(_store.PathOf(key)).Length - size - 16L * chunks).ShouldBe(19 + 61 + "image/jpeg".Length);
    }

    [Fact]
    public async Task Many_parallel_writes_and_reads_through_one_store_all_succeed()
    {
        // The dashboard loads a scan's photos (and prefetches the next scan's) at once: the store and its key
        // provider are shared by every request.
        var objects = Enumerable.Range(0, 24).Select(_ => (Key: NewKey(), Bytes: RandomBytes(2_000))).ToList();
        await Parallel.ForEachAsync(objects, new ParallelOptions { MaxDegreeOfParallelism = 8 },
            async (o, ct) => await _store.PutAsync(o.Key, new MemoryStream(o.Bytes), "image/jpeg", ct));

        var reads = Enumerable.Range(0, 4000).Select(i => objects[i % objects.Count]).ToList();
        await Parallel.ForEachAsync(reads, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (o, ct) =>
        {
            await using var blob = await _store.OpenAsync(o.Key, ct);
            (await ReadAllAsync(blob!)).ShouldBe(o.Bytes);
        });
    }

    [Fact]
    public async Task Reads_the_same_through_the_synchronous_stream_api_and_from_a_non_seekable_source()
    {
        var key = NewKey();
        var bytes = RandomBytes(3 * Chunk + 17);
        await _store.PutAsync(key, new NonSeekable(bytes), "image/png", default);
        await using var stream = (await _store.OpenReadAsync(key, default))!;
        using var copy = new MemoryStream();
        stream.CopyTo(copy, 1000);
        copy.ToArray().ShouldBe(bytes);
    }

    [Fact]
    public async Task The_file_on_disk_holds_neither_the_plaintext_nor_the_key()
    {
        var key = NewKey("practices/marker-practice/patients/marker-patient");
        var marker = Encoding.ASCII.GetBytes("PHI-MARKER-patient-intraoral-photo-");
        var bytes = Enumerable.Repeat(marker, 5000).SelectMany(b => b).ToArray();
        await _store.PutAsync(key, new MemoryStream(bytes), "image/jpeg", default);

        var file = await File.ReadAllBytesAsync(_store.PathOf(key));
        file.AsSpan().IndexOf(marker.AsSpan(0, 12)).ShouldBe(-1, "a fragment of the plaintext is on disk");
        file.AsSpan().IndexOf(Encoding.ASCII.GetBytes("marker-patient")).ShouldBe(-1, "the key is only authenticated, not stored");
        (await TryReadAsync(_store, key)).Read.ShouldBe(bytes);

        // The same plaintext twice gives unrelated files: a fresh data key and nonce per object.
        var again = NewKey();
        await _store.PutAsync(again, new MemoryStream(bytes), "image/jpeg", default);
        var other = await File.ReadAllBytesAsync(_store.PathOf(again));
        other.AsSpan(other.Length - 1000).SequenceEqual(file.AsSpan(file.Length - 1000)).ShouldBeFalse();
    }

    [Fact]
    public async Task Flipping_any_single_byte_of_the_file_fails_the_read_and_never_yields_other_bytes()
    {
        var key = NewKey();
        var bytes = RandomBytes(3 * Chunk + 3392);
        await _store.PutAsync(key, new MemoryStream(bytes), "image/jpeg", default);
        var path = _store.PathOf(key);
        var original = await File.ReadAllBytesAsync(path);
        var header = original.Length - (bytes.Length + 4 * 16);

        // Every header byte (magic, version, chunk size, nonce prefix, lengths, wrapped key, content type), each chunk's
        // first ciphertext byte and tag, and a spread of positions through the body.
        var offsets = Enumerable.Range(0, header)
            .Concat(Enumerable.Range(0, 4).SelectMany(c => new[] { header + c * (Chunk + 16), header + c * (Chunk + 16) + Math.Min(Chunk, original.Length - header - c * (Chunk + 16) - 16) }))
            .Concat(Enumerable.Range(0, 40).Select(i => header + (int)((long)(original.Length - header) * i / 40)))
            .Append(original.Length - 1)
            .Where(o => o < original.Length).Distinct().ToList();
        foreach (var offset in offsets)
        {
            var tampered = original.ToArray();
            tampered[offset] ^= 0x01;
            await File.WriteAllBytesAsync(path, tampered);
            var (read, error) = await TryReadAsync(_store, key);
            error.ShouldBeAssignableTo<CryptographicException>($"flipping byte {offset} went unnoticed");
            bytes.AsSpan().StartsWith(read).ShouldBeTrue($"flipping byte {offset} released bytes that are not the object's");
        }
    }

    [Fact]
    public async Task A_truncated_extended_or_reordered_file_fails_the_read()
    {
        var key = NewKey();
        var bytes = RandomBytes(3 * Chunk + 100);
        await _store.PutAsync(key, new MemoryStream(bytes), "image/jpeg", default);
        var path = _store.PathOf(key);
        var original = await File.ReadAllBytesAsync(path);
        var record = Chunk + 16;
        var header = original.Length - (3 * record + 116);

        var variants = new Dictionary<string, byte[]>
        {
            ["last chunk dropped (a chunk boundary)"] = original[..^116],
            ["two last chunks dropped"] = original[..^(116 + record)],
            ["only the first chunk left"] = original[..(header + record)],
            ["one byte short"] = original[..^1],
            ["tag cut"] = original[..^16],
            ["header only"] = original[..header],
            ["half a header"] = original[..(header / 2)],
            ["empty file"] = [],
            ["one byte appended"] = [.. original, 0],
            ["last chunk repeated"] = [.. original, .. original[^116..]],
            ["first chunk repeated after itself"] = [.. original[..(header + record)], .. original[header..]],
        };
        var swapped = original.ToArray();
        original.AsSpan(header, record).CopyTo(swapped.AsSpan(header + record));
        original.AsSpan(header + record, record).CopyTo(swapped.AsSpan(header));
        variants["first two chunks swapped"] = swapped;

        foreach (var (name, content) in variants)
        {
            await File.WriteAllBytesAsync(path, content);
            var (read, error) = await TryReadAsync(_store, key);
            error.ShouldBeAssignableTo<CryptographicException>($"{name} went unnoticed");
            bytes.AsSpan().StartsWith(read).ShouldBeTrue($"{name} released bytes that are not the object's");
            read.Length.ShouldBeLessThan(bytes.Length, name);
        }
    }

    [Fact]
    public async Task Files_swapped_between_two_keys_or_copied_to_a_third_fail_to_read()
    {
        string a = NewKey(), b = NewKey(), c = NewKey();
        await _store.PutAsync(a, new MemoryStream(RandomBytes(1000)), "image/jpeg", default);
        await _store.PutAsync(b, new MemoryStream(RandomBytes(1000)), "image/jpeg", default);
        var fileA = await File.ReadAllBytesAsync(_store.PathOf(a));
        var fileB = await File.ReadAllBytesAsync(_store.PathOf(b));
        await File.WriteAllBytesAsync(_store.PathOf(a), fileB);
        await File.WriteAllBytesAsync(_store.PathOf(b), fileA);
        Directory.CreateDirectory(Path.GetDirectoryName(_store.PathOf(c))!);
        await File.WriteAllBytesAsync(_store.PathOf(c), fileA);

        foreach (var key in new[] { a, b, c })
        {
            var (read, error) = await TryReadAsync(_store, key);
            error.ShouldBeOfType<BlobCorruptedException>(key);
            read.ShouldBeEmpty();
        }
    }

    [Fact]
    public async Task Another_master_key_cannot_read_the_objects()
    {
        var key = NewKey();
        await _store.PutAsync(key, new MemoryStream(RandomBytes(1000)), "image/jpeg", default);
        var (read, error) = await TryReadAsync(LocalStore(_root), key);
        error.ShouldBeOfType<BlobCorruptedException>();
        read.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("a/../../escape")]
    [InlineData("a/../b")]
    [InlineData("a/./b")]
    [InlineData("..")]
    [InlineData(".hidden")]
    [InlineData("/etc/passwd")]
    [InlineData("//server/share")]
    [InlineData("a//b")]
    [InlineData("a/")]
    [InlineData("a\\..\\..\\escape")]
    [InlineData("C:\\escape")]
    [InlineData("%2e%2e/escape")]
    [InlineData("~/escape")]
    [InlineData("a b")]
    [InlineData("a\0b")]
    [InlineData("a\nb")]
    [InlineData("ok\n")]
    [InlineData("ｅscape")]
    [InlineData("")]
    [InlineData(" ")]
    public async Task Hostile_keys_are_refused_by_every_operation(string key)
    {
        await Should.ThrowAsync<ArgumentException>(() => _store.PutAsync(key, new MemoryStream([1, 2, 3]), "image/jpeg", default));
        await Should.ThrowAsync<ArgumentException>(() => _store.OpenReadAsync(key, default));
        await Should.ThrowAsync<ArgumentException>(() => _store.ExistsAsync(key, default));
        await Should.ThrowAsync<ArgumentException>(() => _store.DeleteAsync(key, default));
        Should.Throw<ArgumentException>(() => _store.CreateUpload(key, "image/jpeg", 3, TimeSpan.FromMinutes(1)));
        Should.Throw<ArgumentException>(() => _store.CreateDownloadUrl(key, TimeSpan.FromMinutes(1)));
        Directory.EnumerateFileSystemEntries(_root, "*", SearchOption.AllDirectories).ShouldBeEmpty();
        Directory.EnumerateFileSystemEntries(Path.GetDirectoryName(_root)!, "escape*").ShouldBeEmpty();
    }

    [Fact]
    public void Overlong_keys_are_refused_and_keys_up_to_the_limit_are_accepted()
    {
        Should.Throw<InvalidBlobKeyException>(() => _store.CreateDownloadUrl(new string('a', BlobKeys.MaxLength + 1), TimeSpan.FromMinutes(1)));
        _store.CreateDownloadUrl(new string('a', BlobKeys.MaxLength), TimeSpan.FromMinutes(1)).ShouldNotBeNull();
    }

    [Fact]
    public async Task A_write_that_fails_midway_leaves_the_previous_object_and_no_temp_file()
    {
        var key = NewKey();
        var first = RandomBytes(2 * Chunk);
        await _store.PutAsync(key, new MemoryStream(first), "image/jpeg", default);

        await Should.ThrowAsync<IOException>(() => _store.PutAsync(key, new FailingStream(3 * Chunk), "image/png", default));
        await Should.ThrowAsync<IOException>(() => _store.PutAsync(NewKey(), new FailingStream(10), "image/png", default));

        (await TryReadAsync(_store, key)).Read.ShouldBe(first);
        Directory.EnumerateFiles(_root, "*", SearchOption.AllDirectories).ShouldHaveSingleItem().ShouldBe(_store.PathOf(key));
    }

    [Fact]
    public async Task A_missing_object_reads_as_null_and_deletes_quietly()
    {
        (await _store.OpenReadAsync("practices/none/x.jpg", default)).ShouldBeNull();
        (await _store.ExistsAsync("practices/none/x.jpg", default)).ShouldBeFalse();
        await _store.DeleteAsync("practices/none/x.jpg", default);

        var key = NewKey();
        await _store.PutAsync(key, new MemoryStream([1]), "image/jpeg", default);
        await _store.DeleteAsync(key, default);
        (await _store.ExistsAsync(key, default)).ShouldBeFalse();
        (await _store.OpenReadAsync(key, default)).ShouldBeNull();
    }

    [Fact]
    public void Upload_grants_are_capped_at_five_minutes_and_bound_to_type_and_length()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        var store = LocalStore(_root, clock: clock, publicBaseUrl: "https://api.orthoscan.test/");
        var grant = store.CreateUpload("practices/p/a.jpg", "IMAGE/JPEG", 1234, TimeSpan.FromHours(2));

        grant.Method.ShouldBe("PUT");
        grant.ExpiresAt.ShouldBe(clock.Now.UtcDateTime.AddMinutes(5));
        grant.ExpiresAt.Kind.ShouldBe(DateTimeKind.Utc);
        grant.RequiredHeaders.ShouldBe(new Dictionary<string, string> { ["Content-Type"] = "image/jpeg" });
        grant.Url.IsAbsoluteUri.ShouldBeTrue();
        grant.Url.GetLeftPart(UriPartial.Path).ShouldStartWith("https://api.orthoscan.test/api/v1/blobs/");
        store.CreateUpload("practices/p/a.jpg", "image/jpeg", 1, TimeSpan.FromSeconds(30)).ExpiresAt.ShouldBe(clock.Now.UtcDateTime.AddSeconds(30));
        _store.CreateDownloadUrl("practices/p/a.jpg", TimeSpan.FromMinutes(1)).OriginalString.ShouldStartWith("/api/v1/blobs/");

        Should.Throw<ArgumentOutOfRangeException>(() => store.CreateUpload("k.jpg", "image/jpeg", 0, TimeSpan.FromMinutes(1)));
        Should.Throw<ArgumentOutOfRangeException>(() => store.CreateUpload("k.jpg", "image/jpeg", BlobLimits.MaxUploadBytes + 1, TimeSpan.FromMinutes(1)));
        Should.Throw<ArgumentOutOfRangeException>(() => store.CreateUpload("k.jpg", "image/jpeg", 10, TimeSpan.Zero));
        Should.Throw<ArgumentException>(() => store.CreateUpload("k.jpg", "image/jpeg; charset=utf-8", 10, TimeSpan.FromMinutes(1)));
        Should.Throw<ArgumentException>(() => store.CreateUpload("k.jpg", "text/html\r\nX-Evil: 1", 10, TimeSpan.FromMinutes(1)));
        Should.Throw<ArgumentException>(() => store.CreateUpload("k.jpg", "", 10, TimeSpan.FromMinutes(1)));
        store.CreateUpload("k.jpg", "image/jpeg", BlobLimits.MaxUploadBytes, TimeSpan.FromMinutes(1)).ShouldNotBeNull();
    }

    private sealed class NonSeekable(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }

    /// <summary>Gives some bytes, then fails as a dropped connection would.</summary>
    private sealed class FailingStream(int goodBytes) : Stream
    {
        private int _left = goodBytes;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_left == 0) throw new IOException("connection reset");
            var n = Math.Min(count, _left);
            _left -= n;
            return n;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
