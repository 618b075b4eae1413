using System.Globalization;

namespace OrthoScan.Benchmarks;

/// <summary>Linux VmHWM of this process, resettable through /proc/self/clear_refs; results go to files the host reads.</summary>
public static class PeakRss
{
    private static string Folder => Path.Combine(Path.GetTempPath(), "orthoscan-bench-rss");

    public static void Reset()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    public static long Read()
    {
        if (!File.Exists("/proc/self/status")) return 0;
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                return 1024 * long.Parse(line["VmHWM:".Length..].Replace("kB", "", StringComparison.Ordinal).Trim(), CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }

    /// <summary>Called in GlobalCleanup: keeps the highest reading per benchmark method (over launches).</summary>
    public static void SaveResult(string benchmark)
    {
        Directory.CreateDirectory(Folder);
        var path = Path.Combine(Folder, benchmark + ".txt");
        var value = Read();
        var previous = ReadResult(benchmark) ?? 0;
        File.WriteAllText(path, Math.Max(value, previous).ToString(CultureInfo.InvariantCulture));
        Console.WriteLine($"// Peak RSS {benchmark}: {value / (1024.0 * 1024.0):0} MB");
    }

    public static long? ReadResult(string benchmark)
    {
        var path = Path.Combine(Folder, benchmark + ".txt");
        return File.Exists(path) && long.TryParse(File.ReadAllText(path), CultureInfo.InvariantCulture, out var v) ? v : null;
    }

    /// <summary>Forget the readings of an earlier run (called once by the host before it starts).</summary>
    public static void Clear()
    {
        if (Directory.Exists(Folder)) Directory.Delete(Folder, recursive: true);
    }
}
