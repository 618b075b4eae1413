using NetVips;

namespace OrthoScan.Api.Infrastructure.Imaging;

/// <summary>Process-wide libvips settings, applied once before the first image is touched.</summary>
internal static class VipsRuntime
{
    private static readonly Lock Gate = new();
    private static bool configured;

    // Kept in a static field: libvips holds a pointer to it for the life of the process.
    private static Log.LogDelegate? swallowWarnings;

    public static void EnsureConfigured()
    {
        lock (Gate)
        {
            if (configured)
            {
                return;
            }

            if (!ModuleInitializer.VipsInitialized)
            {
                throw new InvalidOperationException("libvips could not be loaded.", ModuleInitializer.Exception);
            }

            // Every upload is a new buffer: the operation cache would never hit, it would only keep decoded
            // images (and the uploads they came from) alive. Off: what a decode holds is freed with it, which the
            // worker's memory budget (ImageLimits.MaxConcurrentDecodes, docs/performance.md) counts on.
            Cache.Max = 0;
            Cache.MaxMem = 0;
            Cache.MaxFiles = 0;

            // Refuse the loaders libvips marks as unsafe for untrusted input (we only ever call JPEG and PNG,
            // after sniffing, but this also covers anything that reaches a generic loader by mistake).
            NetVips.NetVips.BlockUntrusted = true;

            // A damaged upload makes libjpeg/libpng warn once per tile on stderr ("error in tile ..."), outside our
            // logging. The failure itself still surfaces as a VipsException, which is what we act on.
            swallowWarnings = static (_, _, _) => { };
            Log.SetLogHandler("VIPS", Enums.LogLevelFlags.Warning, swallowWarnings);

            configured = true;
        }
    }
}
