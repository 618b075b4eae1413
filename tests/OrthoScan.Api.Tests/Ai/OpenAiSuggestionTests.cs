using System.Net;
using OrthoScan.Api.Tests.Contract;
using OrthoScan.Api.Tests.Infrastructure;
using Shouldly;

namespace OrthoScan.Api.Tests.Ai;

/// <summary>
/// GPT-4o suggestions on ready scans, against a WireMock fake of Azure OpenAI: what is stored, what is refused, and that a
/// practice that did not turn external AI processing on sends nothing out.
/// </summary>
public sealed class OpenAiSuggestionTests(FakeAzureOpenAi openAi) : IClassFixture<FakeAzureOpenAi>
{
    private ApiFactory Api => openAi.Api;

    [Fact]
    public async Task A_ready_scan_of_a_practice_with_external_ai_on_stores_gpt4o_suggestions_that_the_review_screen_shows_with_the_notice()
    {
        openAi.Answers(FakeAzureOpenAi.Scores("2", "not_applicable", "1"));
        var owner = await Api.RegisterPracticeAsync();
        await Api.SetExternalAiAsync(owner, true);

        var scan = await Api.ReadyScanAsync(owner);

        (await Api.SuggestJobFinishedAsync(scan.Id)).ShouldBe("succeeded");
        var stored = await Api.StoredSuggestionsAsync(owner.PracticeId, scan.Id);
        stored.Select(s => (s.Attribute, s.Value, s.Confidence)).ShouldBe(
            [("aligner_fit", "not_applicable", 0.64f), ("oral_hygiene", "1", 0.9f), ("overall_tracking", "2", 0.81f)]);
        stored.ShouldAllBe(s => s.ModelName == FakeAzureOpenAi.Deployment && s.ModelVersion == FakeAzureOpenAi.ModelVersion);
        stored.Select(s => s.CreatedAt).Distinct().Count().ShouldBe(1, "one run shares its time");
        openAi.Requests.ShouldBe(1);

        var request = openAi.Server.LogEntries.Single().RequestMessage;
        request.Headers!["api-key"].ToArray().ShouldBe([FakeAzureOpenAi.ApiKey]);
        var body = request.Body!;
        body.Split("data:image/jpeg;base64,").Length.ShouldBe(6, "the five display images, each as a JPEG");
        body.ShouldNotContain("Scanner", Case.Sensitive, "no patient identity leaves the platform");
        body.ShouldNotContain("example.com");

        var session = await (await Api.As(owner).GetAsync($"/api/v1/scans/sessions/{scan.Id}")).ShouldBeAsync<ScanSessionDto>(HttpStatusCode.OK);
        session.AiSuggestions.Select(s => (s.Attribute, s.Value)).ShouldBe([("aligner_fit", "not_applicable"), ("oral_hygiene", "1"), ("overall_tracking", "2")]);
        session.AiNotice.ShouldBe("Suggestions are non-diagnostic aids; a doctor confirms every tag.");
    }

    [Theory]
    [InlineData("a value outside the taxonomy", """{"overall_tracking":{"value":"4","confidence":0.8},"aligner_fit":{"value":"1","confidence":0.8},"oral_hygiene":{"value":"1","confidence":0.8}}""")]
    [InlineData("a score the taxonomy does not have", """{"overall_tracking":{"value":"1","confidence":0.8},"aligner_fit":{"value":"1","confidence":0.8},"oral_hygiene":{"value":"1","confidence":0.8},"caries":{"value":"1","confidence":0.8}}""")]
    [InlineData("a score missing", """{"overall_tracking":{"value":"1","confidence":0.8},"aligner_fit":{"value":"1","confidence":0.8}}""")]
    [InlineData("a confidence above 1", """{"overall_tracking":{"value":"1","confidence":1.7},"aligner_fit":{"value":"1","confidence":0.8},"oral_hygiene":{"value":"1","confidence":0.8}}""")]
    [InlineData("malformed JSON", """{"overall_tracking":{"value":"1","confidence":0.8},""")]
    [InlineData("prose", "The patient seems on track.")]
    public async Task An_unusable_answer_stores_nothing_and_is_not_retried(string answer, string content)
    {
        openAi.Answers(content);
        var owner = await Api.RegisterPracticeAsync();
        await Api.SetExternalAiAsync(owner, true);

        var scan = await Api.ReadyScanAsync(owner);

        (await Api.SuggestJobFinishedAsync(scan.Id)).ShouldBe("succeeded", answer);
        openAi.Requests.ShouldBe(1, "asked once: a retry would get the same kind of answer");
        (await Api.StoredSuggestionsAsync(owner.PracticeId, scan.Id)).ShouldBeEmpty(answer);
        var session = await (await Api.As(owner).GetAsync($"/api/v1/scans/sessions/{scan.Id}")).ShouldBeAsync<ScanSessionDto>(HttpStatusCode.OK);
        session.AiSuggestions.ShouldBeEmpty();
        session.AiNotice.ShouldBeNull();
    }

    [Fact]
    public async Task A_practice_without_external_ai_processing_sends_nothing_to_openai()
    {
        openAi.Answers(FakeAzureOpenAi.Scores("1", "1", "1"));
        var owner = await Api.RegisterPracticeAsync();
        await Api.SetExternalAiAsync(owner, true);
        await Api.SetExternalAiAsync(owner, false);

        var scan = await Api.ReadyScanAsync(owner);

        (await Api.SuggestJobFinishedAsync(scan.Id)).ShouldBe("succeeded");
        openAi.Requests.ShouldBe(0);
        openAi.Server.LogEntries.ShouldBeEmpty("no request of any kind reached the OpenAI fake");
        (await Api.StoredSuggestionsAsync(owner.PracticeId, scan.Id)).ShouldBeEmpty("no ML.NET model here either: nothing is suggested");
        var model = await (await Api.As(owner).GetAsync("/api/v1/ai/model")).ShouldBeAsync<AiModelDto>(HttpStatusCode.OK);
        model.Suggester.ShouldBe("none");
    }

    [Fact]
    public async Task A_job_delivered_again_even_at_the_same_moment_stores_one_run()
    {
        openAi.Answers(FakeAzureOpenAi.Scores("1", "2", "3"));
        var owner = await Api.RegisterPracticeAsync();
        await Api.SetExternalAiAsync(owner, true);
        var scan = await Api.ReadyScanAsync(owner);
        (await Api.SuggestJobFinishedAsync(scan.Id)).ShouldBe("succeeded");

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Api.RunSuggestJobAsync(owner.PracticeId, scan.Id)));

        (await Api.StoredSuggestionsAsync(owner.PracticeId, scan.Id)).Count.ShouldBe(3);
        openAi.Requests.ShouldBe(1);
        var model = await (await Api.As(owner).GetAsync("/api/v1/ai/model")).ShouldBeAsync<AiModelDto>(HttpStatusCode.OK);
        model.Suggester.ShouldBe("openai");
        model.Card.ShouldBeNull();
    }

    [Fact]
    public async Task Deliveries_racing_on_a_scan_without_suggestions_store_one_run()
    {
        openAi.Answers(FakeAzureOpenAi.Scores("1", "1", "2"));
        var owner = await Api.RegisterPracticeAsync();
        var scan = await Api.ReadyScanAsync(owner);
        (await Api.SuggestJobFinishedAsync(scan.Id)).ShouldBe("succeeded");
        (await Api.StoredSuggestionsAsync(owner.PracticeId, scan.Id)).ShouldBeEmpty("external AI was off when it became ready");
        await Api.SetExternalAiAsync(owner, true);

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Api.RunSuggestJobAsync(owner.PracticeId, scan.Id)));

        var stored = await Api.StoredSuggestionsAsync(owner.PracticeId, scan.Id);
        stored.Count.ShouldBe(3);
        stored.Select(s => s.CreatedAt).Distinct().Count().ShouldBe(1);
        openAi.Requests.ShouldBe(1, "the other deliveries waited and found the run");
    }
}
