using System.Diagnostics.CodeAnalysis;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OrthoScan.Api.Domain;
using OrthoScan.Api.Infrastructure.Ai;
using OrthoScan.Api.Infrastructure.Persistence;
using OrthoScan.Api.Infrastructure.Tenancy;
using OrthoScan.Api.Tests.Infrastructure;
using OrthoScan.Ml.Models;
using Shouldly;

namespace OrthoScan.Api.Tests.Ai;

/// <summary>
/// What `make run` does after the seed: `train-demo-model` trains a model from the demo practice's tagged scans and the
/// demo's ready scans then get suggestions from it. On a host of its own, with its model file in a folder of its own.
/// </summary>
[SuppressMessage("Reliability", "CA1001", Justification = "xunit disposes it through IAsyncLifetime.DisposeAsync.")]
public sealed class DemoModelTests : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "orthoscan-demo-model-" + Guid.NewGuid().ToString("N"));
    private readonly ApiFactory _api = new();

    private string ModelPath => Path.Combine(_folder, "model.zip");

    public DemoModelTests() => _api.Settings["OrthoScan:Ai:ModelPath"] = ModelPath;

    public Task InitializeAsync() => _api.InitializeAsync();

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task The_demo_model_is_trained_once_from_the_seeded_reviews_and_the_ready_demo_scans_get_its_suggestions()
    {
        await DemoSeed.RunAsync(_api.Services, TextWriter.Null);

        var output = new StringWriter();
        (await DemoModel.RunAsync(_api.Services, output, CancellationToken.None)).ShouldBe(0);

        File.Exists(ModelPath).ShouldBeTrue();
        var card = ModelBundle.Load(ModelPath).Card;
        card.Name.ShouldBe("orthoscan-mlnet");
        card.TrainingTagSets.ShouldBeGreaterThan(0);
        File.Exists(Path.Combine(_folder, "demo-dataset", "tagsets.csv")).ShouldBeTrue();
        var csv = await File.ReadAllTextAsync(Path.Combine(_folder, "demo-dataset", "tagsets.csv"));
        csv.ShouldNotContain("Schmidt", Case.Sensitive, "no patient names in the demo dataset");

        await using var scope = _api.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var tenant = scope.ServiceProvider.GetRequiredService<TenantScope>();
        var owner = await db.UserAccounts.AsNoTracking().SingleAsync(u => u.Email == DemoSeed.OwnerEmail);
        var practiceId = (await Features.Auth.Memberships.FindActiveAsync(db, tenant, owner.Id, default))!.PracticeId;
        await tenant.EnterPracticeAsWorkerAsync(practiceId, default);
        var deadline = DateTime.UtcNow.AddSeconds(90);
        int suggested;
        while ((suggested = await db.ScanSessions.CountAsync(s => s.Status == ScanSessionStatus.Ready && db.AiSuggestions.Any(a => a.SessionId == s.Id && a.ModelName == "orthoscan-mlnet"))) < 8
               && DateTime.UtcNow < deadline)
            await Task.Delay(500);
        suggested.ShouldBe(8, "every ready demo scan has the demo model's suggestions");

        var again = new StringWriter();
        await DemoModel.RunAsync(_api.Services, again, CancellationToken.None);
        again.ToString().ShouldContain("not trained again");
        again.ToString().ShouldContain("0 ready scan(s) queued");
    }
}
