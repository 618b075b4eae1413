namespace OrthoScan.Api.Infrastructure.Imaging;

public static class ImagingSetup
{
    /// <summary>The image pipeline the worker runs (and the <c>process-image</c> command, in a process of its own).</summary>
    public static IServiceCollection AddImaging(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddSingleton(new ImageProcessor(new ImageLimits()));
        return services;
    }
}
