using System.Net;
using System.Net.Http.Json;
using System.Text;
using OrthoScan.Api.Tests.Contract;
using OrthoScan.Api.Tests.Infrastructure;
using Shouldly;

namespace OrthoScan.Api.Tests.BadInput;

[Collection(ApiCollection.Name)]
public sealed class RegisterInputTests(ApiFactory api)
{
    [Theory]
    [InlineData("not-an-email")]
    [InlineData("two@@example.com")]
    [InlineData("")]
    public async Task An_invalid_email_is_a_400_naming_email(string email)
    {
        var problem = await (await api.CreateClient().PostAsJsonAsync("/api/v1/auth/register",
                new { practiceName = "P", ownerName = "O", email, password = TestApi.Password }))
            .ShouldFailAsync(HttpStatusCode.BadRequest, "validation");
        var errors = problem.Errors.ShouldNotBeNull();
        errors["email"].ShouldNotBeEmpty();
        errors.Keys.ShouldBe(["email"]);
    }

    [Fact]
    public async Task Missing_fields_are_each_named_in_camel_case()
    {
        var response = await api.CreateClient().PostAsync("/api/v1/auth/register", new StringContent("{}", Encoding.UTF8, "application/json"));
        var problem = await response.ShouldFailAsync(HttpStatusCode.BadRequest, "validation");
        var errors = problem.Errors.ShouldNotBeNull();
        errors.Keys.ShouldBe(["practiceName", "ownerName", "email", "password"], ignoreOrder: true);
        foreach (var (_, messages) in errors) messages.ShouldNotBeEmpty();
    }

    [Fact]
    public async Task A_refused_registration_creates_no_account()
    {
        var email = TestApi.UniqueEmail();
        await (await api.CreateClient().PostAsJsonAsync("/api/v1/auth/register",
                new { practiceName = "", ownerName = "O", email, password = TestApi.Password }))
            .ShouldFailAsync(HttpStatusCode.BadRequest, "validation");
        await (await api.CreateClient().PostAsJsonAsync("/api/v1/auth/register",
                new { practiceName = "P", ownerName = "O", email, password = TestApi.Password }))
            .ShouldBeAsync<RegistrationDto>(HttpStatusCode.Created);
    }

    [Theory]
    [InlineData("""{"practiceName": "P", "ownerName": "O", "email": "a@example.com", "password": 12345678901234}""", "password")]
    [InlineData("""{"practiceName": ["P"], "ownerName": "O", "email": "a@example.com", "password": "correct-horse-battery-staple"}""", "practiceName")]
    public async Task A_field_of_the_wrong_type_is_a_400_naming_it(string body, string field)
    {
        var response = await api.CreateClient().PostAsync("/api/v1/auth/register", new StringContent(body, Encoding.UTF8, "application/json"));
        var problem = await response.ShouldFailAsync(HttpStatusCode.BadRequest, "malformed-request");
        (problem.Errors?.GetValueOrDefault(field)).ShouldNotBeNull(ContractJson.Write(problem));
        ContractJson.Write(problem).ShouldNotContain("OrthoScan.", Case.Sensitive);
    }

    [Fact]
    public async Task Malformed_login_json_is_a_400_problem()
    {
        var response = await api.CreateClient().PostAsync("/api/v1/auth/login", new StringContent("""{"email": "a@example.com", """, Encoding.UTF8, "application/json"));
        await response.ShouldFailAsync(HttpStatusCode.BadRequest, "malformed-request");
    }
}
