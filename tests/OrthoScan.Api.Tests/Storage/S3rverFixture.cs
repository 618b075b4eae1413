using System.Diagnostics;
using System.Text.RegularExpressions;

namespace OrthoScan.Api.Tests.Storage;

/// <summary>
/// s3rver 3.7.1 (npm, in tests/tools/s3rver; installed there on first use) on a random loopback port over a temp
/// folder, stopped and removed afterwards. It speaks S3's REST API but does not verify SigV4 signatures and ignores
/// SSE headers (STACK.md): it proves the S3 adapter's calls and URLs work, not S3's security behaviour.
/// </summary>
public sealed partial class S3rverFixture : IAsyncLifetime
{
    public const string Bucket = "orthoscan-test";
    /// <summary>Fixtures of test classes running in parallel install one at a time (two npm ci in one folder collide).</summary>
    private static readonly SemaphoreSlim Install = new(1, 1);
    private readonly string _data = Path.Combine(Path.GetTempPath(), "orthoscan-s3rver-" + Guid.NewGuid().ToString("N"));
    private Process? _server;

    public string ServiceUrl { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var tool = Path.Combine(RepositoryRoot(), "tests", "tools", "s3rver");
        var entry = Path.Combine(tool, "node_modules", "s3rver", "bin", "s3rver.js");
        await Install.WaitAsync();
        try
        {
            if (!File.Exists(entry)) await RunAsync("npm", ["ci", "--no-audit", "--no-fund"], tool, TimeSpan.FromMinutes(5));
        }
        finally
        {
            Install.Release();
        }
        Directory.CreateDirectory(_data);

        var start = new ProcessStartInfo("node") { WorkingDirectory = tool, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { entry, "--directory", _data, "--address", "127.0.0.1", "--port", "0", "--silent", "--configure-bucket", Bucket })
            start.ArgumentList.Add(arg);
        _server = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        _server.ErrorDataReceived += (_, _) => { };
        _server.BeginErrorReadLine();

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (await _server.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            if (Listening().Match(line) is { Success: true } match)
            {
                ServiceUrl = $"http://127.0.0.1:{match.Groups[1].Value}";
                // Keep draining its output so it never blocks on a full pipe.
                _ = _server.StandardOutput.ReadToEndAsync();
                return;
            }
        }
        throw new InvalidOperationException("s3rver exited before it listened.");
    }

    public async Task DisposeAsync()
    {
        if (_server is { HasExited: false })
        {
            _server.Kill(entireProcessTree: true);
            await _server.WaitForExitAsync();
        }
        _server?.Dispose();
        if (Directory.Exists(_data)) Directory.Delete(_data, recursive: true);
    }

    private static async Task RunAsync(string file, string[] args, string folder, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = folder, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start");
        using var cts = new CancellationTokenSource(timeout);
        var output = process.StandardOutput.ReadToEndAsync(cts.Token);
        var error = process.StandardError.ReadToEndAsync(cts.Token);
        await process.WaitForExitAsync(cts.Token);
        if (process.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed in {folder}: {await output}{await error}");
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "OrthoScan.sln"))) directory = directory.Parent;
        return directory?.FullName ?? throw new InvalidOperationException("OrthoScan.sln not found above the test binaries.");
    }

    [GeneratedRegex(@"S3rver listening on [^:]+:(\d+)")]
    private static partial Regex Listening();
}
