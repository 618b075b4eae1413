using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using MetadataExtractor;
using OrthoScan.Api.Tests.Contract;
using OrthoScan.Api.Tests.Infrastructure;
using OrthoScan.Api.Tests.Scans;
using Shouldly;
using Xunit.Abstractions;

namespace OrthoScan.Api.Tests.Imaging;

/// <summary>
/// Every file of <see cref="HostileFiles"/> goes the way a patient's photo goes: an upload link from the API, a PUT to
/// that signed link, the scan submitted and the worker's real processing job. Each ends as its entry says: refused with
/// a reason the patient sees, or processed into derivatives without metadata or the smuggled payload, or refused before
/// anything is stored. Never a 5xx, never a dead job, and the worker processes an ordinary scan afterwards.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class HostileUploadTests(ApiFactory api, ITestOutputHelper output)
{
    public const int RequiredFiles = 20;

    [Fact]
    public void The_corpus_holds_at_least_twenty_distinct_hostile_files()
    {
        var files = HostileFiles.All();
        foreach (var group in files.GroupBy(f => f.Expected)) output.WriteLine($"{group.Count(),3} {group.Key}");
        files.Count.ShouldBeGreaterThanOrEqualTo(RequiredFiles);
        files.Select(f => f.Name).ShouldBeUnique();
        files.Select(f => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(f.Bytes))).ShouldBeUnique("each file is different");
    }

    [Fact]
    public async Task Each_hostile_file_sent_through_the_patients_upload_path_is_refused_with_a_reason_or_stripped()
    {
        var started = Stopwatch.GetTimestamp();
        var owner = await api.RegisterPracticeAsync("Hostile Uploads");
        var app = await api.PatientAppAsync(owner, "Hostile");
        var files = HostileFiles.All();
        var failures = new List<string>();
        var sessions = new List<(Guid Id, List<(string View, HostileFile File)> Views)>();

        var filler = 900;
        foreach (var chunk in files.Chunk(ScanFlow.Views.Length))
        {
            var session = await (await api.CreateSessionAsync(app, Guid.NewGuid().ToString())).ShouldBeAsync<ScanSessionDto>(HttpStatusCode.Created);
            var views = new List<(string View, HostileFile File)>();
            for (var i = 0; i < ScanFlow.Views.Length; i++)
            {
                var view = ScanFlow.Views[i];
                if (i >= chunk.Length)
                {
                    (await api.UploadAsync(app, session.Id, view, HostileFiles.Photo(filler++))).StatusCode.ShouldBe(HttpStatusCode.OK);
                    continue;
                }
                var file = chunk[i];
                views.Add((view, file));
                if (await UploadAsync(app, session.Id, view, file) is { } refusedUpload) failures.Add($"{file.Name}: {refusedUpload}");
                // A file refused before it was stored leaves the view waiting: an ordinary photo fills it.
                if (file.Expected is HostileOutcome.GrantRefused or HostileOutcome.PutRefused)
                {
                    var image = (await GetSessionAsync(app, session.Id)).Images.Single(im => Wire(im.ImageType) == view);
                    if (image.Status != ScanImageStatus.AwaitingUpload) failures.Add($"{file.Name}: stored as {image.Status} although refused");
                    (await api.UploadAsync(app, session.Id, view, HostileFiles.Photo(filler++))).StatusCode.ShouldBe(HttpStatusCode.OK);
                }
            }
            await api.SubmitScanAsync(app, session.Id);
            sessions.Add((session.Id, views));
        }

        foreach (var (id, views) in sessions)
        {
            var processed = await api.WaitUntilProcessedAsync(app.AccessToken, id);
            foreach (var (view, file) in views)
            {
                var image = processed.Images.Single(i => Wire(i.ImageType) == view);
                output.WriteLine(file.Expected is HostileOutcome.GrantRefused or HostileOutcome.PutRefused
                    ? $"{file.Name,-62} refused before it was stored"
                    : $"{file.Name,-62} {image.Status,-10} {string.Join(",", image.RetakeReasons)}");
                failures.AddRange(await OutcomeFailuresAsync(file, image));
            }
        }

        await using (var db = await Sql.OpenAsync(api.OwnerConnectionString))
        {
            var dead = await db.ScalarAsync<long>("SELECT count(*) FROM jobs WHERE status = 'dead' AND payload->>'sessionId' = ANY(@ids)",
                ("ids", sessions.Select(s => s.Id.ToString()).ToArray()));
            dead.ShouldBe(0, "no processing job died on a hostile file");
        }
        (await api.CreateClient().GetAsync("/health/live")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await api.SendScanAndWaitAsync(app)).Status.ShouldBe(ScanSessionStatus.Ready, "the worker still processes an ordinary scan");
        output.WriteLine($"{files.Count} hostile files in {sessions.Count} scans, {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s");
        failures.ShouldBeEmpty(string.Join("\n", failures));
    }

    /// <summary>The grant and the PUT as the app makes them; a description of what went wrong, or null.</summary>
    private async Task<string?> UploadAsync(PatientApp app, Guid sessionId, string view, HostileFile file)
    {
        using var grantResponse = await api.As(app.AccessToken).PostAsJsonAsync("/api/v1/scans/upload-url",
            new { sessionId, imageType = view, contentType = file.ContentType, contentLength = file.DeclaredLength ?? file.Bytes.Length });
        if (file.Expected == HostileOutcome.GrantRefused)
            return await RefusalFailureAsync(grantResponse, HttpStatusCode.BadRequest, "the upload link");
        if (grantResponse.StatusCode != HttpStatusCode.OK) return $"upload link answered {(int)grantResponse.StatusCode} {await grantResponse.Content.ReadAsStringAsync()}";
        var grant = await grantResponse.ShouldBeAsync<UploadGrantDto>(HttpStatusCode.OK);

        using var put = new HttpRequestMessage(HttpMethod.Put, grant.Url) { Content = new ByteArrayContent(file.Bytes) };
        put.Content.Headers.ContentType = new MediaTypeHeaderValue(file.ContentType);
        foreach (var (name, value) in grant.Headers)
        {
            if (!name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)) put.Headers.TryAddWithoutValidation(name, value);
        }
        using var putResponse = await api.CreateClient().SendAsync(put);
        if (file.Expected == HostileOutcome.PutRefused) return await RefusalFailureAsync(putResponse, HttpStatusCode.Forbidden, "the upload");
        return putResponse.StatusCode == HttpStatusCode.OK ? null : $"upload answered {(int)putResponse.StatusCode} {await putResponse.Content.ReadAsStringAsync()}";
    }

    private static async Task<string?> RefusalFailureAsync(HttpResponseMessage response, HttpStatusCode expected, string what)
    {
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != expected) return $"{what} answered {(int)response.StatusCode}, expected {(int)expected}: {text}";
        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json") return $"{what} refused without a problem: {text}";
        return ContractJson.Read<ProblemDto>(text).Detail is { Length: > 0 } ? null : $"{what} refused without saying why: {text}";
    }

    private async Task<List<string>> OutcomeFailuresAsync(HostileFile file, ScanImageDto image)
    {
        var label = $"{file.Name} ({file.Expected})";
        switch (file.Expected)
        {
            case HostileOutcome.Refused:
                if (image.Status != ScanImageStatus.Rejected || image.RetakeReasons.Count != 1 || !file.Reasons.Contains(image.RetakeReasons[0]))
                    return [$"{label}: expected refused for {string.Join(" or ", file.Reasons)}, got {image.Status} [{string.Join(",", image.RetakeReasons)}]"];
                return image.Urls is null ? [] : [$"{label}: refused but has links"];
            case HostileOutcome.AcceptedAndStripped:
                if (image.Status != ScanImageStatus.Processed || image.Urls is null)
                    return [$"{label}: expected processed, got {image.Status} [{string.Join(",", image.RetakeReasons)}]"];
                var failures = new List<string>();
                foreach (var (size, url) in new[] { ("thumbnail", image.Urls.Thumbnail), ("display", image.Urls.Display), ("full", image.Urls.Full) })
                    failures.AddRange((await DerivativeFailuresAsync(url, file)).Select(f => $"{label} {size}: {f}"));
                return failures;
            default:
                // Refused before storing; the view was then filled with an ordinary photo.
                return image.Status == ScanImageStatus.Processed ? [] : [$"{label}: the photo sent after the refusal ended {image.Status}"];
        }
    }

    private static readonly byte[][] Payloads = ["<script"u8.ToArray(), "<?php"u8.ToArray(), [0x50, 0x4B, 0x03, 0x04], "<html"u8.ToArray()];

    private async Task<List<string>> DerivativeFailuresAsync(string url, HostileFile file)
    {
        using var response = await api.CreateClient().GetAsync(url);
        if (response.StatusCode != HttpStatusCode.OK) return [$"answered {(int)response.StatusCode}"];
        var bytes = await response.Content.ReadAsByteArrayAsync();
        var failures = new List<string>();
        if (response.Content.Headers.ContentType?.MediaType != "image/jpeg" || bytes.Length < 2 || bytes[0] != 0xFF || bytes[1] != 0xD8)
            failures.Add($"not a JPEG ({response.Content.Headers.ContentType})");
        foreach (var payload in Payloads.Append(file.Payload ?? []).Where(p => p.Length > 0))
        {
            if (bytes.AsSpan().IndexOf(payload) >= 0) failures.Add($"carries {System.Text.Encoding.ASCII.GetString(payload)}");
        }
        var kept = ImageMetadataReader.ReadMetadata(new MemoryStream(bytes))
            .Where(d => d.Name.StartsWith("Exif", StringComparison.Ordinal) || d.Name.StartsWith("GPS", StringComparison.Ordinal)
                        || d.Name is "ICC Profile" or "XMP" or "JPEG Comment" or "PNG-tEXt")
            .Select(d => d.Name).ToList();
        if (kept.Count > 0) failures.Add($"keeps metadata: {string.Join(", ", kept)}");
        return failures;
    }

    private async Task<ScanSessionDto> GetSessionAsync(PatientApp app, Guid id) =>
        await (await api.As(app.AccessToken).GetAsync($"/api/v1/scans/sessions/{id}")).ShouldBeAsync<ScanSessionDto>(HttpStatusCode.OK);

    private static string Wire(ImageType type) => ContractJson.Wire(type);
}
