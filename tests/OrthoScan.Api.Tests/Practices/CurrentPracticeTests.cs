using System.Net;
using OrthoScan.Api.Tests.Contract;
using OrthoScan.Api.Tests.Infrastructure;
using Shouldly;

namespace OrthoScan.Api.Tests.Practices;

[Collection(ApiCollection.Name)]
public sealed class CurrentPracticeTests(ApiFactory api)
{
    [Fact]
    public async Task Each_member_sees_their_own_practice_and_role()
    {
        var ownerA = await api.RegisterPracticeAsync("North Clinic");
        var doctorA = await api.AddMemberAsync(ownerA, "doctor");
        var ownerB = await api.RegisterPracticeAsync("South Clinic");

        var seenByOwner = await (await api.As(ownerA).GetAsync("/api/v1/practice")).ShouldBeAsync<PracticeDto>(HttpStatusCode.OK);
        seenByOwner.Name.ShouldBe("North Clinic");
        seenByOwner.Me.Role.ShouldBe(Role.Owner);
        seenByOwner.Me.Email.ShouldBe(ownerA.Email);

        var seenByDoctor = await (await api.As(doctorA).GetAsync("/api/v1/practice")).ShouldBeAsync<PracticeDto>(HttpStatusCode.OK);
        seenByDoctor.Id.ShouldBe(ownerA.PracticeId);
        seenByDoctor.Me.Role.ShouldBe(Role.Doctor);

        var seenByOther = await (await api.As(ownerB).GetAsync("/api/v1/practice")).ShouldBeAsync<PracticeDto>(HttpStatusCode.OK);
        seenByOther.Name.ShouldBe("South Clinic");
    }

    [Fact]
    public async Task Without_a_token_the_practice_is_not_shown()
    {
        await (await api.As((string?)null).GetAsync("/api/v1/practice")).ShouldFailAsync(HttpStatusCode.Unauthorized);
    }
}
