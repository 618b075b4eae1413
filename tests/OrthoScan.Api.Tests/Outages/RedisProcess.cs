using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace OrthoScan.Api.Tests.Outages;

/// <summary>
/// A real redis-server of the test's own (the binary `make test` installs), on a free loopback port, so that a test can
/// stop and restart Redis without taking the shared one away from the other tests.
/// </summary>
public sealed class RedisProcess : IAsyncDisposable
{
    private Process? _server;

    public RedisProcess()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
    }

    public int Port { get; }

    public string ConnectionString => $"127.0.0.1:{Port}";

    public async Task StartAsync()
    {
        var start = new ProcessStartInfo("redis-server") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no" })
            start.ArgumentList.Add(arg);
        _server = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start");
        _server.OutputDataReceived += (_, _) => { };
        _server.ErrorDataReceived += (_, _) => { };
        _server.BeginOutputReadLine();
        _server.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !_server.HasExited)
            {
                await Task.Delay(50);
            }
        }
    }

    /// <summary>As a crash would: no shutdown handshake.</summary>
    public async Task KillAsync()
    {
        if (_server is null) return;
        if (!_server.HasExited) _server.Kill();
        await _server.WaitForExitAsync();
        _server.Dispose();
        _server = null;
    }

    public ValueTask DisposeAsync() => new(KillAsync());
}
