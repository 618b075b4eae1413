using System.Net;
using System.Net.Http.Json;
using OrthoScan.Api.Tests.Contract;
using OrthoScan.Api.Tests.Infrastructure;
using Shouldly;

namespace OrthoScan.Api.Tests.Auth;

[Collection(ApiCollection.Name)]
public sealed class LoginTests(ApiFactory api)
{
    [Fact]
    public async Task Wrong_password_is_refused_as_invalid_credentials()
    {
        var owner = await api.RegisterPracticeAsync();

        var problem = await (await api.LoginAsync(owner.Email, "not-the-right-password-1"))
            .ShouldFailAsync(HttpStatusCode.Unauthorized, "invalid-credentials");

        problem.Type.ShouldEndWith("/invalid-credentials");
        ContractJson.MembersOf<ProblemDto>().ShouldNotContain("mfaToken", "the strict read refused any other member: no MFA token with a refusal");
    }

    [Fact]
    public async Task Unknown_email_gets_the_same_answer_as_a_wrong_password()
    {
        var owner = await api.RegisterPracticeAsync();

        var wrongPassword = await (await api.LoginAsync(owner.Email, "not-the-right-password-1"))
            .ShouldFailAsync(HttpStatusCode.Unauthorized, "invalid-credentials");
        var unknownEmail = await (await api.LoginAsync(TestApi.UniqueEmail("nobody"), "not-the-right-password-1"))
            .ShouldFailAsync(HttpStatusCode.Unauthorized, "invalid-credentials");

        unknownEmail.Title.ShouldBe(wrongPassword.Title);
        unknownEmail.Detail.ShouldBe(wrongPassword.Detail);
    }

    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_even_against_the_right_password()
    {
        var owner = await api.RegisterPracticeAsync();
        for (var attempt = 1; attempt <= 5; attempt++)
            await (await api.LoginAsync(owner.Email, $"wrong-password-number-{attempt}"))
                .ShouldFailAsync(HttpStatusCode.Unauthorized, "invalid-credentials");

        var locked = await api.LoginAsync(owner.Email, owner.Password);

        await locked.ShouldFailAsync(HttpStatusCode.Locked, "account-locked");
        var retryAfter = locked.Headers.RetryAfter?.Delta ?? throw new ShouldAssertException("423 without a Retry-After delay");
        retryAfter.ShouldBeGreaterThan(TimeSpan.Zero);
        retryAfter.ShouldBeLessThanOrEqualTo(TimeSpan.FromMinutes(15));
    }

    [Fact]
    public async Task Registering_a_practice_asks_the_owner_to_enroll_mfa_before_any_token()
    {
        var registered = await (await api.CreateClient().PostAsJsonAsync("/api/v1/auth/register", new
        {
            practiceName = "Enrol Practice", ownerName = "Dr. Enrol", email = TestApi.UniqueEmail(), password = TestApi.Password,
        })).ShouldBeAsync<RegistrationDto>(HttpStatusCode.Created);

        registered.MfaRequired.ShouldBe(MfaStep.Enroll);
        registered.MfaToken.ShouldNotBeNullOrWhiteSpace();
        ContractJson.MembersOf<RegistrationDto>().ShouldNotContain("accessToken", "the strict read refused any other member: no token before MFA");
        ContractJson.MembersOf<RegistrationDto>().ShouldNotContain("refreshToken");
    }

    [Fact]
    public async Task Weak_password_on_register_is_refused_on_the_password_field()
    {
        var email = TestApi.UniqueEmail();
        var problem = await (await api.CreateClient().PostAsJsonAsync("/api/v1/auth/register", new
        {
            practiceName = "Weak Practice", ownerName = "Dr. Weak", email, password = "aaaaaaaaaaaaaa",
        })).ShouldFailAsync(HttpStatusCode.BadRequest, "validation");

        problem.Errors.ShouldNotBeNull()["password"].ShouldNotBeEmpty();
        await (await api.LoginAsync(email, "aaaaaaaaaaaaaa")).ShouldFailAsync(HttpStatusCode.Unauthorized, "invalid-credentials");
    }
}
