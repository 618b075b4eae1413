using OrthoScan.Api.Domain;
using OrthoScan.Api.Infrastructure.Notifications;
using Shouldly;

namespace OrthoScan.Api.Tests.Notifications;

/// <summary>Every notification reads whole in English, Spanish, French and German, and says nothing clinical.</summary>
public sealed class NotificationTemplateTests
{
    private static readonly string[] ClinicalWords =
        ["aligner fit", "hygiene", "tracking", "retake", "caries", "gingivitis", "diagnos", "tooth", "teeth", "dientes", "dents", "Zähne"];

    public static TheoryData<NotificationTemplate> Templates() => [.. Enum.GetValues<NotificationTemplate>()];

    [Theory]
    [MemberData(nameof(Templates))]
    public void Each_template_renders_in_all_four_languages_with_every_value_filled_in_and_no_clinical_word(NotificationTemplate template)
    {
        var values = NotificationTemplates.Variables[template].ToDictionary(name => name, name => $"<{name}-value>");
        var rendered = Enum.GetValues<PreferredLanguage>().Select(language => NotificationTemplates.Render(template, language, values)).ToList();

        foreach (var text in rendered)
        {
            foreach (var value in values.Values) (text.Subject + text.Body).ShouldContain(value);
            (text.Subject + text.Body).ShouldNotContain("{");
            foreach (var word in ClinicalWords) text.Body.ShouldNotContain(word, Case.Insensitive);
        }
        rendered.Select(r => r.Body).Distinct().Count().ShouldBe(4, "each language has its own words");
        rendered.Select(r => r.Subject).Distinct().Count().ShouldBe(4);
    }

    [Fact]
    public void A_missing_value_fails_when_queued_rather_than_sending_a_hole()
    {
        Should.Throw<InvalidOperationException>(() => NotificationTemplates.Render(
            NotificationTemplate.PatientInvitation, PreferredLanguage.En, new Dictionary<string, string> { ["practice"] = "A", ["link"] = "https://x" }))
            .Message.ShouldContain("code");
    }

    [Fact]
    public void A_new_message_notice_says_only_that_there_is_one_with_the_link()
    {
        var text = NotificationTemplates.Render(NotificationTemplate.NewMessage, PreferredLanguage.En,
            new Dictionary<string, string> { ["practice"] = "Smile Clinic", ["link"] = "https://app.orthoscan.app/open" });
        text.Body.ShouldBe("You have a new message from your orthodontist. Read it in the OrthoScan app: https://app.orthoscan.app/open");
    }
}
