using System.Net;
using OrthoScan.Api.Tests.Contract;
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

        var team = await (await api.As(doctor).GetAsync("/api/v1/practice/members")).ShouldBeAsync<MembersDto>(HttpStatusCode.OK);
        var members = team.Items;
        members.Select(m => m.Email).Order().ShouldBe(new[] { owner.Email, doctor.Email }.Order());
        members.Single(m => m.Email == doctor.Email).Role.ShouldBe(Role.Doctor);
        members.ShouldNotContain(m => m.Email == other.Email);
    }
}
