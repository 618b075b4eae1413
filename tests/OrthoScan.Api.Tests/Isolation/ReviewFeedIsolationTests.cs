using System.Net;
using OrthoScan.Api.Tests.Contract;
using OrthoScan.Api.Tests.Infrastructure;
using OrthoScan.Api.Tests.Scans;
using Shouldly;

namespace OrthoScan.Api.Tests.Isolation;

[Collection(ApiCollection.Name)]
public sealed class ReviewFeedIsolationTests(ApiFactory api)
{
    [Fact]
    public async Task The_review_feed_never_shows_another_practices_scans()
    {
        var first = await api.RegisterPracticeAsync("Feed Practice One");
        var second = await api.RegisterPracticeAsync("Feed Practice Two");
        var app = await api.PatientAppAsync(first, "Feedonly");
        var session = await api.SendScanAndWaitAsync(app);

        var own = await (await api.As(first).GetAsync("/api/v1/dashboard/feed")).ShouldBeAsync<PageDto<ReviewFeedItemDto>>(HttpStatusCode.OK);
        var other = await (await api.As(second).GetAsync("/api/v1/dashboard/feed")).ShouldBeAsync<PageDto<ReviewFeedItemDto>>(HttpStatusCode.OK);

        own.Items.Select(i => i.SessionId).ShouldBe([session.Id]);
        other.Items.ShouldBeEmpty();
    }
}
