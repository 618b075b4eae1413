using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using OrthoScan.Api.Tests.Contract;
using OrthoScan.Api.Tests.Imaging;
using OrthoScan.Api.Tests.Infrastructure;
using Shouldly;

namespace OrthoScan.Api.Tests.Exports;

/// <summary>
/// The training-data export end to end (issue 13 items 2-4): started by a platform admin, run by the real worker through the
/// platform read path and the dataset writer, downloaded through its signed link and searched file by file, image
/// metadata included.
/// </summary>
[Collection(ExportCollection.Name)]
public sealed class TagExportTests(ApiFactory api)
{
    /// <summary>A line of tagsets.jsonl, as far as these tests read it.</summary>
    private sealed record TagSetLine(
        [property: JsonPropertyName("export_patient_id")] string ExportPatientId,
        [property: JsonPropertyName("export_session_id")] string ExportSessionId,
        [property: JsonPropertyName("export_practice_id")] string ExportPracticeId,
        [property: JsonPropertyName("split")] string Split,
        [property: JsonPropertyName("review_order")] int ReviewOrder,
        [property: JsonPropertyName("tag_sets_in_session")] int TagSetsInSession,
        [property: JsonPropertyName("age_band")] string AgeBand,
        [property: JsonPropertyName("treatment_type")] string TreatmentType,
        [property: JsonPropertyName("aligner_brand")] string AlignerBrand,
        [property: JsonPropertyName("practice_region")] string PracticeRegion,
        [property: JsonPropertyName("days_since_treatment_start")] int DaysSinceTreatmentStart,
        [property: JsonPropertyName("detail_tags")] string? DetailTags);

    private static readonly int[] BothReviews = [1, 2];

    private sealed record Manifest(int K, int Seed, Dictionary<string, string> PatientSplits, List<ManifestFile> Files);

    private sealed record ManifestFile(string Path, string Sha256, long Size);

    [Fact]
    public async Task The_dataset_holds_no_name_contact_birth_date_note_calendar_date_or_original_id_in_any_file_image_metadata_included()
    {
        var world = await ExportWorld.OfAsync(api);
        var export = await world.ExportAsync(api, new { includeImages = true, includeFrontal = false, seed = 42, k = ExportWorld.K });
        export.Status.ShouldBe(ExportStatus.Completed, export.Error);
        var (zip, response) = await ExportWorld.DownloadAsync(api, export);

        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/zip");
        response.Content.Headers.ContentDisposition!.DispositionType.ShouldBe("attachment");
        response.Content.Headers.ContentDisposition.FileName!.Trim('"').ShouldBe($"orthoscan-tags-{export.Id:N}.zip");
        var forbidden = Forbidden(world).ToList();
        forbidden.Count.ShouldBeGreaterThan(200);
        var images = 0;
        foreach (var entry in zip.Entries)
        {
            var bytes = Read(entry);
            // Latin-1 maps every byte to one character, so text hidden in binary (a JPEG's EXIF) is searched too.
            var text = Encoding.Latin1.GetString(bytes);
            foreach (var secret in forbidden)
                text.Contains(secret, StringComparison.OrdinalIgnoreCase).ShouldBeFalse($"'{secret}' in {entry.FullName}");
            if (!entry.FullName.EndsWith(".jpg", StringComparison.Ordinal)) continue;
            images++;
            entry.FullName.ShouldNotContain("frontal");
            Derivatives.ShouldCarryNoMetadata(bytes, entry.FullName);
        }

        images.ShouldBe(4, "the one real scan's four views but the frontal one");
        var report = export.Report.ShouldNotBeNull();
        (report.K, report.Patients, report.GeneralisedPatients, report.SuppressedPatients, report.Images, report.FrontalIncluded)
            .ShouldBe((ExportWorld.K, ExportWorld.ExportedPatients, ExportWorld.GeneralisedPatients, ExportWorld.SuppressedPatients, 4L, false));
        report.SuppressedTagSets.ShouldBe(2, "the suppressed patient's two scans, one review each");
        export.Progress.ShouldBe(new ExportProgressDto(report.TagSets, report.TagSets + report.SuppressedTagSets, 4, 100));
        export.SizeBytes.ShouldBe(await response.Content.ReadAsByteArrayAsync() is { } body ? body.Length : 0);
    }

    [Fact]
    public async Task Opted_out_practices_and_non_consenting_patients_are_absent_k_anonymity_holds_and_double_reviews_are_both_exported()
    {
        var world = await ExportWorld.OfAsync(api);
        var export = await world.ExportAsync(api, new { includeImages = false, seed = 3 });
        var (zip, _) = await ExportWorld.DownloadAsync(api, export);
        var lines = Lines(zip);

        export.K.ShouldBe(5, "the default k");
        export.IncludeImages.ShouldBeFalse();
        zip.Entries.ShouldNotContain(e => e.FullName.EndsWith(".jpg", StringComparison.Ordinal));
        lines.Select(l => l.ExportPatientId).Distinct().Count().ShouldBe(ExportWorld.ExportedPatients);
        lines.Select(l => l.ExportPracticeId).Distinct().Count().ShouldBe(1, "the practice that does not share data is absent");
        lines.Select(l => l.PracticeRegion).Distinct().ShouldBe(["DE-BY"]);
        lines.Select(l => l.AlignerBrand).Distinct().Order().ToList().ShouldBe(["Invisalign", "other"], customMessage: "the five single brands generalised, the rare one suppressed");
        foreach (var combination in lines.GroupBy(l => (l.AgeBand, l.TreatmentType, l.AlignerBrand, l.PracticeRegion)))
            combination.Select(l => l.ExportPatientId).Distinct().Count().ShouldBeGreaterThanOrEqualTo(ExportWorld.K, combination.Key.ToString());

        var doubleReviewed = lines.Where(l => l.TagSetsInSession == 2).GroupBy(l => l.ExportSessionId).ToList();
        doubleReviewed.Count.ShouldBe(3);
        doubleReviewed.ShouldAllBe(g => g.Select(l => l.ReviewOrder).Order().SequenceEqual(BothReviews));
        lines.Where(l => l.DetailTags != null).ShouldAllBe(l => l.DetailTags == "plaque@upper", "a practice's own detail tag codes stay out");
    }

    [Fact]
    public async Task Manifest_checksums_match_every_file_and_no_patient_is_in_two_splits()
    {
        var world = await ExportWorld.OfAsync(api);
        var export = await world.ExportAsync(api, new { includeImages = true, seed = 11 });
        var (zip, _) = await ExportWorld.DownloadAsync(api, export);
        var manifest = JsonSerializer.Deserialize<Manifest>(Read(zip.GetEntry("manifest.json")!), TestApi.Json)!;

        manifest.Files.Select(f => f.Path).Order().ShouldBe(zip.Entries.Select(e => e.FullName).Where(n => n != "manifest.json").Order());
        foreach (var file in manifest.Files)
        {
            var bytes = Read(zip.GetEntry(file.Path)!);
            (Convert.ToHexStringLower(SHA256.HashData(bytes)), (long)bytes.Length).ShouldBe((file.Sha256.ToLowerInvariant(), file.Size), file.Path);
        }
        manifest.Seed.ShouldBe(11);
        var lines = Lines(zip);
        lines.GroupBy(l => l.ExportPatientId).ShouldAllBe(g => g.Select(l => l.Split).Distinct().Count() == 1);
        lines.ShouldAllBe(l => manifest.PatientSplits[l.ExportPatientId] == l.Split);
        var report = export.Report.ShouldNotBeNull();
        (report.PatientsPerSplit.Train + report.PatientsPerSplit.Validation + report.PatientsPerSplit.Test).ShouldBe(report.Patients);
    }

    [Fact]
    public async Task The_same_seed_gives_the_same_split_with_new_export_ids()
    {
        var world = await ExportWorld.OfAsync(api);
        var first = Lines((await ExportWorld.DownloadAsync(api, await world.ExportAsync(api, new { includeImages = false, seed = 7 }))).Zip);
        var second = Lines((await ExportWorld.DownloadAsync(api, await world.ExportAsync(api, new { includeImages = false, seed = 7 }))).Zip);

        // Each seeded patient's first scan lies a different number of days after the treatment start: that tells them apart.
        static Dictionary<int, string> SplitByPatient(List<TagSetLine> lines) =>
            lines.GroupBy(l => l.ExportPatientId).ToDictionary(g => g.Min(l => l.DaysSinceTreatmentStart), g => g.First().Split);
        SplitByPatient(second).ShouldBe(SplitByPatient(first));
        SplitByPatient(first).Count.ShouldBe(ExportWorld.ExportedPatients);
        second.Select(l => l.ExportPatientId).Intersect(first.Select(l => l.ExportPatientId)).ShouldBeEmpty("export ids are drawn anew for every export");
    }

    [Fact]
    public async Task Progress_is_saved_while_the_export_runs_and_ends_at_every_counted_tag_set()
    {
        var world = await ExportWorld.OfAsync(api);
        await using (var owner = await Sql.OpenAsync(api.OwnerConnectionString))
            await owner.ExecuteAsync("""
                CREATE TABLE IF NOT EXISTS test_export_progress (export_id uuid, status text, tag_sets_written bigint, at timestamptz DEFAULT clock_timestamp());
                CREATE OR REPLACE FUNCTION test_log_export_progress() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$
                BEGIN INSERT INTO test_export_progress (export_id, status, tag_sets_written) VALUES (NEW.id, NEW.status, NEW.tag_sets_written); RETURN NEW; END $$;
                DROP TRIGGER IF EXISTS test_log_export_progress ON tag_exports;
                CREATE TRIGGER test_log_export_progress AFTER UPDATE ON tag_exports FOR EACH ROW EXECUTE FUNCTION test_log_export_progress();
                """);

        var export = await world.ExportAsync(api, new { includeImages = true, seed = 5 });

        await using var sql = await Sql.OpenAsync(api.OwnerConnectionString);
        var running = (await sql.ColumnAsync($"SELECT tag_sets_written::text FROM test_export_progress WHERE export_id = '{export.Id}' AND status = 'running' ORDER BY at"))
            .Select(long.Parse).ToList();
        running.Distinct().Count(written => written > 0).ShouldBeGreaterThanOrEqualTo(2, "saved more than once before completing: " + string.Join(",", running));
        running.ShouldBe(running.Order().ToList(), "progress only moves forward");
        export.Progress.Percent.ShouldBe(100);
        export.Progress.TagSetsWritten.ShouldBe(export.Report!.TagSets);
    }

    private static IEnumerable<string> Forbidden(ExportWorld world)
    {
        foreach (var patient in world.Patients)
        {
            // "Pat" (the scan helper's first name) is also a word of the column names; the token-bearing last name is not.
            if (patient.FirstName.Length > 3) yield return patient.FirstName;
            yield return patient.LastName;
            yield return patient.Email;
            yield return patient.Phone;
            yield return patient.Phone.TrimStart('+');
        }
        foreach (var note in world.Notes) yield return note;
        foreach (var text in world.Secrets) yield return text;
        foreach (var id in world.Ids)
        {
            yield return id.ToString("D");
            yield return id.ToString("N");
        }
        foreach (var rendering in world.Dates.Distinct().SelectMany(ExportWorld.Renderings)) yield return rendering;
    }

    private static List<TagSetLine> Lines(ZipArchive zip) =>
        [.. Encoding.UTF8.GetString(Read(zip.GetEntry("tagsets.jsonl")!)).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonSerializer.Deserialize<TagSetLine>(line)!)];

    private static byte[] Read(ZipArchiveEntry entry)
    {
        using var stream = entry.Open();
        using var bytes = new MemoryStream();
        stream.CopyTo(bytes);
        return bytes.ToArray();
    }
}
