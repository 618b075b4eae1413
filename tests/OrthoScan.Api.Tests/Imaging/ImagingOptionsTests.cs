using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OrthoScan.Api.Infrastructure.Imaging;
using Shouldly;

namespace OrthoScan.Api.Tests.Imaging;

/// <summary><c>OrthoScan:Imaging</c> reaches the worker's <see cref="ImageProcessor"/>, and nonsense stops the host from starting.</summary>
public sealed class ImagingOptionsTests
{
    private static IHost Host(params (string Key, string Value)[] settings)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value)));
        builder.Services.AddImaging(builder.Configuration);
        return builder.Build();
    }

    [Fact]
    public void The_worker_judges_photos_with_the_configured_thresholds()
    {
        using var photo = TestImages.Teeth(1333, 999, seed: 10);
        var upload = TestImages.Jpeg(photo);
        using var defaults = Host();
        using var configured = Host(("OrthoScan:Imaging:Quality:MinShortSide", "999"));

        defaults.Services.GetRequiredService<ImageProcessor>().Process(upload).Quality.Reasons.ShouldBe(["too_small"]);
        configured.Services.GetRequiredService<ImageProcessor>().Process(upload).Quality.Reasons.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("OrthoScan:Imaging:Quality:MinMeanBrightness", "210")] // above the maximum mean (205)
    [InlineData("OrthoScan:Imaging:Quality:MaxDarkPixelShare", "0")]
    [InlineData("OrthoScan:Imaging:Quality:MinShortSide", "0")]
    [InlineData("OrthoScan:Imaging:Quality:MinSharpness", "-1")]
    [InlineData("OrthoScan:Imaging:Quality:BrightPixelLevel", "5")] // below the dark level (10)
    [InlineData("OrthoScan:Imaging:MaxConcurrentDecodes", "0")]
    public async Task Invalid_settings_stop_the_host_from_starting(string key, string value)
    {
        using var host = Host((key, value));
        var e = await Should.ThrowAsync<OptionsValidationException>(() => host.StartAsync());
        e.Message.ShouldContain("OrthoScan:Imaging is invalid");
    }
}
