using System.Net;
using System.Net.Sockets;

namespace OrthoScan.Api.Tests.Outages;

/// <summary>
/// A TCP relay on a loopback port in front of a real server (PostgreSQL, S3), that a test can cut and restore: cut, it
/// closes every relayed connection and refuses new ones, as a server that went away would; restored, it listens on the
/// same port again. The server itself keeps running for the other tests.
/// </summary>
public sealed class LoopbackRelay : IAsyncDisposable
{
    private readonly IPEndPoint _target;
    private readonly List<TcpClient> _open = [];
    private TcpListener? _listener;
    private CancellationTokenSource _running = new();

    public LoopbackRelay(int targetPort)
    {
        _target = new IPEndPoint(IPAddress.Loopback, targetPort);
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
    }

    public int Port { get; }

    public void Start()
    {
        _running = new CancellationTokenSource();
        _listener = new TcpListener(IPAddress.Loopback, Port);
        _listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _listener.Start();
        _ = AcceptAsync(_listener, _running.Token);
    }

    /// <summary>The server "goes away": open connections are reset and new ones refused.</summary>
    public async Task CutAsync()
    {
        await _running.CancelAsync();
        _listener?.Stop();
        lock (_open)
        {
            foreach (var client in _open)
            {
                try
                {
                    // Reset rather than close, as a crashed server's host would.
                    if (client.Client is { } socket) socket.LingerState = new LingerOption(true, 0);
                }
                catch (ObjectDisposedException)
                {
                    // That relayed connection had just ended by itself.
                }
                client.Dispose();
            }
            _open.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await CutAsync();
        _running.Dispose();
    }

    private async Task AcceptAsync(TcpListener listener, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            TcpClient inbound;
            try
            {
                inbound = await listener.AcceptTcpClientAsync(ct);
            }
            catch (Exception) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException)
            {
                return;
            }
            _ = RelayAsync(inbound, ct);
        }
    }

    private async Task RelayAsync(TcpClient inbound, CancellationToken ct)
    {
        var outbound = new TcpClient();
        lock (_open)
        {
            _open.Add(inbound);
            _open.Add(outbound);
        }
        try
        {
            await outbound.ConnectAsync(_target, ct);
            var a = inbound.GetStream();
            var b = outbound.GetStream();
            await Task.WhenAny(a.CopyToAsync(b, ct), b.CopyToAsync(a, ct));
        }
        catch (Exception)
        {
            // A cut, or either side closing: the other side is closed below.
        }
        finally
        {
            lock (_open)
            {
                _open.Remove(inbound);
                _open.Remove(outbound);
            }
            inbound.Dispose();
            outbound.Dispose();
        }
    }
}
