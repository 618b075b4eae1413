using System.Net;
using System.Net.Sockets;
using OrthoScan.Api.Infrastructure.Http;
using OrthoScan.Api.Tests.Infrastructure;
using Shouldly;
using WireMock.RequestBuilders;
using WireMockResponse = WireMock.ResponseBuilders.Response;

namespace OrthoScan.Api.Tests.Platform;

/// <summary>The container's HEALTHCHECK: `health-probe` passes only when the process in the container answers alive.</summary>
public sealed class HealthProbeTests
{
    [Theory]
    [InlineData(200, 0)]
    [InlineData(503, 1)]
    public async Task The_probe_passes_only_on_a_successful_liveness_answer(int status, int exitCode)
    {
        using var server = LoopbackFake.Start();
        server.Given(Request.Create().WithPath("/health/live").UsingGet()).RespondWith(WireMockResponse.Create().WithStatusCode(status));
        var error = new StringWriter();

        (await HealthProbe.RunAsync(new Uri(server.Url + "/health/live"), error)).ShouldBe(exitCode);

        if (exitCode != 0) error.ToString().ShouldContain("answered 503");
    }

    [Fact]
    public async Task Nothing_listening_fails_the_probe_with_a_reason()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var closedPort = ((IPEndPoint)socket.LocalEndPoint!).Port; // bound, never listening: connections are refused
        var error = new StringWriter();

        (await HealthProbe.RunAsync(new Uri($"http://127.0.0.1:{closedPort}/health/live"), error)).ShouldBe(1);

        error.ToString().ShouldContain("did not answer");
    }

    [Theory]
    [InlineData(null, "http://127.0.0.1:8080/health/live")]
    [InlineData("8080", "http://127.0.0.1:8080/health/live")]
    [InlineData("5000;5001", "http://127.0.0.1:5000/health/live")]
    public void The_probe_asks_the_first_port_the_container_serves(string? ports, string expected) =>
        HealthProbe.LivenessOf(ports).ToString().ShouldBe(expected);
}
