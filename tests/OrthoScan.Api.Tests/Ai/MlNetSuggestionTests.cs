using System.Net;
using OrthoScan.Api.Tests.Contract;
using OrthoScan.Api.Tests.Infrastructure;
using OrthoScan.Ml.Datasets;
using OrthoScan.Ml.Features;
using OrthoScan.Ml.Models;
using Shouldly;

namespace OrthoScan.Api.Tests.Ai;

/// <summary>
/// A host whose suggester is the local ML.NET model: a tiny model.zip trained here with the ML module's trainer on random
/// features, in which every score has values to learn.
/// </summary>
public sealed class TinyModelHost : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "orthoscan-model-" + Guid.NewGuid().ToString("N"));
    public ApiFactory Api { get; } = new();
    public ModelCard Card { get; }

    public TinyModelHost()
    {
        Directory.CreateDirectory(_folder);
        var path = Path.Combine(_folder, "model.zip");
        var bundle = Train();
        bundle.Save(path);
        Card = bundle.Card;
        Api.Settings["OrthoScan:Ai:Suggester"] = "mlnet";
        Api.Settings["OrthoScan:Ai:ModelPath"] = path;
    }

    private static ModelBundle Train()
    {
        var attributes = new[] { "overall_tracking", "aligner_fit", "oral_hygiene" };
        var layout = FeatureLayout.For(attributes);
        var random = new Random(13);
        var sessions = Enumerable.Range(0, 90).Select(i => new FeaturedSession(
            i % 10 == 9 ? DatasetLayout.Test : DatasetLayout.Train,
            [.. Enumerable.Range(0, layout.Length).Select(_ => (float)random.NextDouble())],
            new Dictionary<string, string>
            {
                ["overall_tracking"] = (1 + i % 3).ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["aligner_fit"] = i % 4 == 3 ? "not_applicable" : (1 + i % 2).ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["oral_hygiene"] = (1 + i % 2).ToString(System.Globalization.CultureInfo.InvariantCulture),
            })).ToList();
        return ModelTrainer.Train(new FeaturedSessions(layout, sessions, 0), attributes, "2026.1", new TrainingOptions(Iterations: 10));
    }

    public Task InitializeAsync() => Api.InitializeAsync();

    public async Task DisposeAsync()
    {
        await Api.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }
}

public sealed class MlNetSuggestionTests(TinyModelHost host) : IClassFixture<TinyModelHost>
{
    private ApiFactory Api => host.Api;

    [Fact]
    public async Task A_ready_scan_gets_a_suggestion_for_every_score_from_the_loaded_model()
    {
        var owner = await Api.RegisterPracticeAsync();

        var scan = await Api.ReadyScanAsync(owner);

        (await Api.SuggestJobFinishedAsync(scan.Id)).ShouldBe("succeeded");
        var stored = await Api.StoredSuggestionsAsync(owner.PracticeId, scan.Id);
        stored.Select(s => s.Attribute).ShouldBe(["aligner_fit", "oral_hygiene", "overall_tracking"]);
        stored.ShouldAllBe(s => s.ModelName == "orthoscan-mlnet" && s.ModelVersion == host.Card.Version && s.Confidence >= 0 && s.Confidence <= 1);
        stored.Single(s => s.Attribute == "overall_tracking").Value.ShouldBeOneOf("1", "2", "3");
        stored.Single(s => s.Attribute == "aligner_fit").Value.ShouldBeOneOf("1", "2", "3", "not_applicable");
        stored.Single(s => s.Attribute == "oral_hygiene").Value.ShouldBeOneOf("1", "2", "3");

        var session = await (await Api.As(owner).GetAsync($"/api/v1/scans/sessions/{scan.Id}")).ShouldBeAsync<ScanSessionDto>(HttpStatusCode.OK);
        session.AiSuggestions.Count.ShouldBe(3);
        session.AiNotice.ShouldNotBeNull();
    }

    [Fact]
    public async Task A_practice_with_external_ai_on_still_gets_the_local_model_when_openai_is_not_configured()
    {
        var owner = await Api.RegisterPracticeAsync();
        await Api.SetExternalAiAsync(owner, true);

        var scan = await Api.ReadyScanAsync(owner);

        (await Api.SuggestJobFinishedAsync(scan.Id)).ShouldBe("succeeded");
        (await Api.StoredSuggestionsAsync(owner.PracticeId, scan.Id)).ShouldAllBe(s => s.ModelName == "orthoscan-mlnet");
    }

    [Fact]
    public async Task The_model_page_shows_the_loaded_card_to_the_practice_and_the_platform_admin()
    {
        var owner = await Api.RegisterPracticeAsync();
        var staff = await Api.AddMemberAsync(owner, "staff");
        var admin = await PlatformUsers.PlatformUserFlows.CreatePlatformUserAsync(Api, "platform_admin");

        foreach (var caller in new[] { owner, staff, admin })
        {
            var model = await (await Api.As(caller).GetAsync("/api/v1/ai/model")).ShouldBeAsync<AiModelDto>(HttpStatusCode.OK);
            model.Suggester.ShouldBe("mlnet");
            model.Notice.ShouldBe("Suggestions are non-diagnostic aids; a doctor confirms every tag.");
            var card = model.Card.ShouldNotBeNull();
            card.Name.ShouldBe("orthoscan-mlnet");
            card.Version.ShouldBe(host.Card.Version);
            card.Evaluation.Select(e => e.Attribute).ShouldBe(["overall_tracking", "aligner_fit", "oral_hygiene"]);
            card.Evaluation.ShouldAllBe(e => e.Confusion.Count == e.Labels.Count);
        }
    }
}
