using System.Net;
using OrthoScan.Api.Tests.Infrastructure;
using Shouldly;

namespace OrthoScan.Api.Tests.Practices;

[Collection(ApiCollection.Name)]
public sealed class MembersTests(ApiFactory api)
{
    [Fact]
    public async Task The_team_lists_this_practice_members_only_with_their_roles()
    {
        var owner = await api.RegisterPracticeAsync();
        var doctor = await api.AddMemberAsync(owner, "doctor");
        var other = await api.RegisterPracticeAsync();

        var team = await (await api.As(doctor).GetAsync("/api/v1/practice/members")).ShouldBeAsync(HttpStatusCode.OK);
        var members = team["items"]!.AsArray();
        members.Select(m => m!["email"]!.GetValue<string>()).Order().ShouldBe(new[] { owner.Email, doctor.Email }.Order());
        members.Single(m => m!["email"]!.GetValue<string>() == doctor.Email)!["role"]!.GetValue<string>().ShouldBe("doctor");
        members.ShouldNotContain(m => m!["email"]!.GetValue<string>() == other.Email);
    }
}
