using System.Net;
using System.Net.Sockets;
using WireMock.Server;
using WireMock.Settings;

namespace OrthoScan.Api.Tests.Infrastructure;

/// <summary>A WireMock server for a third-party service (Stripe, Twilio, SendGrid, KMS, OpenAI) on a free loopback port.</summary>
public static class LoopbackFake
{
    public static WireMockServer Start() => WireMockServer.Start(new WireMockServerSettings { Urls = [$"http://127.0.0.1:{FreePort()}"] });

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
