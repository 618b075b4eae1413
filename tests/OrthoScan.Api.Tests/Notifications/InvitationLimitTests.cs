using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Http.Json;
using OrthoScan.Api.Tests.Contract;
using OrthoScan.Api.Tests.Infrastructure;
using Shouldly;

namespace OrthoScan.Api.Tests.Notifications;

/// <summary>
/// A staff account (stolen, or a script gone wrong) cannot turn the invite button into an SMS cannon: a patient gets at
/// most a few invitations an hour, a practice at most its hourly budget, even from 30 requests at once. On a host of its
/// own with small limits.
/// </summary>
[SuppressMessage("Reliability", "CA1001", Justification = "xunit disposes it through IAsyncLifetime.DisposeAsync.")]
public sealed class InvitationLimitTests : IAsyncLifetime
{
    private const int PerPatient = 3;
    private const int PerPractice = 5;
    private readonly ApiFactory _api = new();

    public Task InitializeAsync()
    {
        _api.Settings["OrthoScan:Notifications:InvitationsPerHourPerPatient"] = PerPatient.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _api.Settings["OrthoScan:Notifications:InvitationsPerHourPerPractice"] = PerPractice.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return _api.InitializeAsync();
    }

    public Task DisposeAsync() => _api.DisposeAsync();

    [Fact]
    public async Task Thirty_invitations_of_one_patient_at_once_send_exactly_the_hourly_few_and_showing_the_code_stays_open()
    {
        var owner = await _api.RegisterPracticeAsync("Patient Limit Clinic");
        var email = TestApi.UniqueEmail("limited");
        var patient = await PatientAsync(owner, email);
        await WellInsideTheHourAsync();

        var answers = await Task.WhenAll(Enumerable.Range(0, 30).Select(_ =>
            _api.As(owner).PostAsJsonAsync($"/api/v1/patients/{patient.Id}/invite", new { sendBy = "email" })));

        answers.Count(a => a.StatusCode == HttpStatusCode.OK).ShouldBe(PerPatient);
        answers.Count(a => a.StatusCode == HttpStatusCode.TooManyRequests).ShouldBe(30 - PerPatient);
        var limited = answers.First(a => a.StatusCode == HttpStatusCode.TooManyRequests);
        (limited.Headers.RetryAfter?.Delta ?? TimeSpan.Zero).ShouldBeInRange(TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        await limited.ShouldFailAsync(HttpStatusCode.TooManyRequests, "rate-limited");
        await _api.LettersAsync(email, PerPatient);
        await _api.DeliveriesSettledAsync();
        (await _api.MailboxAsync(email)).Count.ShouldBe(PerPatient, "only the admitted invitations were sent");

        // The code can still be shown to hand over at the desk: nothing is sent, nothing is counted.
        (await (await _api.As(owner).PostAsJsonAsync($"/api/v1/patients/{patient.Id}/invite", new { sendBy = "none" }))
            .ShouldBeAsync<PatientInvitationDto>(HttpStatusCode.OK)).SentBy.ShouldBeNull();
    }

    [Fact]
    public async Task A_practice_sends_at_most_its_hourly_budget_of_invitations_to_patients_and_staff_together()
    {
        var owner = await _api.RegisterPracticeAsync("Practice Limit Clinic");
        var patients = new List<PatientDto>();
        for (var i = 0; i < 4; i++) patients.Add(await PatientAsync(owner, TestApi.UniqueEmail($"budget{i}")));
        await WellInsideTheHourAsync();

        var toPatients = patients.Select(p => _api.As(owner).PostAsJsonAsync($"/api/v1/patients/{p.Id}/invite", new { sendBy = "email" }));
        var toStaff = Enumerable.Range(0, 4).Select(i => _api.As(owner).PostAsJsonAsync("/api/v1/practice/invitations",
            new { email = TestApi.UniqueEmail($"staff{i}"), name = $"Staff {i}", role = "staff" }));
        var answers = await Task.WhenAll(toPatients.Concat(toStaff));

        answers.Count(a => a.IsSuccessStatusCode).ShouldBe(PerPractice);
        answers.Count(a => a.StatusCode == HttpStatusCode.TooManyRequests).ShouldBe(8 - PerPractice);
        // Another practice has a budget of its own.
        var other = await _api.RegisterPracticeAsync("Other Budget Clinic");
        var theirs = await PatientAsync(other, TestApi.UniqueEmail("theirs"));
        (await _api.As(other).PostAsJsonAsync($"/api/v1/patients/{theirs.Id}/invite", new { sendBy = "email" })).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    private async Task<PatientDto> PatientAsync(Session owner, string email) =>
        await (await _api.As(owner).PostAsJsonAsync("/api/v1/patients", new
        {
            firstName = "Ines", lastName = "Invited", dateOfBirth = "1995-02-03", email, totalStages = 20, currentStage = 1, preferredLanguage = "en", timezone = "Europe/Madrid",
        })).ShouldBeAsync<PatientDto>(HttpStatusCode.Created);

    /// <summary>The limits count per clock hour: a burst sent in the last seconds of an hour would be split over two.</summary>
    private static async Task WellInsideTheHourAsync()
    {
        var now = DateTime.UtcNow;
        if (now is { Minute: 59, Second: >= 50 }) await Task.Delay(TimeSpan.FromSeconds(61 - now.Second));
    }
}
