using System.Runtime.CompilerServices;
using OrthoScan.Ml.Datasets;
using static OrthoScan.Ml.Tests.Datasets.DatasetTestData;

namespace OrthoScan.Ml.Tests.Datasets;

/// <summary>
/// Constant memory without timing anything: while 200,000 rows stream into a ZIP on a non-seekable stream, rows of
/// patients written long before must already be collectable (the writer keeps only the current patient), and the
/// spooled files must be gone afterwards. Speed and peak memory are the export benchmark's (docs/performance.md).
/// </summary>
public sealed class DatasetMemoryTests
{
    private const int Patients = 50_000;
    private const int SessionsPerPatient = 4;
    private const int SampleEvery = 5_000;

    [Fact]
    public async Task Two_hundred_thousand_rows_stream_into_a_zip_keeping_no_earlier_patient()
    {
        var samples = new List<WeakReference<TagSetRow>>();
        var retained = new List<int>();
        var spool = Directory.CreateTempSubdirectory("orthoscan-dataset-spool-test-");
        var output = new DiscardingStream();
        try
        {
            var plan = KAnonymity.Plan([new QuasiIdentifierCount(Common, Patients)], 5);
            DatasetReport report;
            await using (var sink = new ZipDatasetSink(output))
            {
                report = await DatasetWriter.WriteAsync(Taxonomy, plan, Rows(samples, retained), images: null, sink, Options(images: false),
                    tagSetsTotal: Patients * SessionsPerPatient, spoolDirectory: spool.FullName);
            }

            report.TagSets.ShouldBe(Patients * SessionsPerPatient);
            report.Patients.ShouldBe(Patients);
            retained.Count.ShouldBe(Patients / SampleEvery - 1);
            retained.ShouldAllBe(alive => alive == 0, "rows of patients written thousands of patients ago were still referenced");
            output.Written.ShouldBeGreaterThan(10_000_000);
            spool.EnumerateFileSystemInfos().ShouldBeEmpty();
        }
        finally
        {
            spool.Delete(recursive: true);
        }
    }

    /// <summary>Rows made on the fly; at every sampled patient, after a full collection, counts how many rows of the
    /// earlier sampled patients are still alive.</summary>
    private static async IAsyncEnumerable<TagSetRow> Rows(List<WeakReference<TagSetRow>> samples, List<int> retained)
    {
        for (var p = 0; p < Patients; p++)
        {
            var patient = Guid.NewGuid();
            if (p % SampleEvery == 0 && p > 0) retained.Add(AliveAfterCollection(samples));
            for (var s = 0; s < SessionsPerPatient; s++)
            {
                var row = Row(patient, Guid.NewGuid(), 1 + s * 14);
                if (p % SampleEvery == 0) samples.Add(new WeakReference<TagSetRow>(row));
                yield return row;
            }
        }

        await Task.CompletedTask;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int AliveAfterCollection(List<WeakReference<TagSetRow>> samples)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return samples.Count(s => s.TryGetTarget(out _));
    }

    /// <summary>A write-only, non-seekable stream that counts and drops what it gets, like an upload.</summary>
    private sealed class DiscardingStream : Stream
    {
        public long Written { get; private set; }
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => Written += count;
        public override void Write(ReadOnlySpan<byte> buffer) => Written += buffer.Length;
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Written += buffer.Length;
            return ValueTask.CompletedTask;
        }
    }
}
