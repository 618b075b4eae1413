using Microsoft.Extensions.Options;

namespace OrthoScan.Api.Infrastructure.Imaging;

public static class ImagingSetup
{
    /// <summary>The image pipeline the worker runs (and the <c>process-image</c> command, in a process of its own).</summary>
    public static IServiceCollection AddImaging(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ImagingOptions>()
            .Bind(configuration.GetSection(ImagingOptions.Section))
            .Validate(o => o.IsValid(), $"{ImagingOptions.Section} is invalid: {ImagingOptions.Rules}.")
            .ValidateOnStart();
        // One per process: its decode gate is what bounds the decodes running at once.
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<ImagingOptions>>().Value;
            return new ImageProcessor(options.Limits(), options.Quality);
        });
        return services;
    }
}
