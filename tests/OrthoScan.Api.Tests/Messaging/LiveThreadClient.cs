using System.Threading.Channels;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using OrthoScan.Api.Tests.Contract;
using OrthoScan.Api.Tests.Infrastructure;

namespace OrthoScan.Api.Tests.Messaging;

/// <summary>
/// A dashboard or app listening on the live hub the way a browser does: WebSockets, with the access token in the query
/// string (a browser cannot set a WebSocket's headers).
/// </summary>
public sealed class LiveThreadClient : IAsyncDisposable
{
    private readonly HubConnection _connection;
    private readonly Channel<ThreadChangedDto> _changes = Channel.CreateUnbounded<ThreadChangedDto>();
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private LiveThreadClient(HubConnection connection)
    {
        _connection = connection;
        _connection.On<ThreadChangedDto>("threadChanged", change => _changes.Writer.TryWrite(change));
        _connection.Closed += _ =>
        {
            _closed.TrySetResult();
            return Task.CompletedTask;
        };
    }

    public static async Task<LiveThreadClient> ConnectAsync(ApiFactory api, string accessToken)
    {
        var server = api.Server;
        var url = new Uri(server.BaseAddress, $"/api/v1/hubs/messages?access_token={Uri.EscapeDataString(accessToken)}");
        var connection = new HubConnectionBuilder()
            .WithUrl(url, o =>
            {
                o.Transports = HttpTransportType.WebSockets;
                o.HttpMessageHandlerFactory = _ => server.CreateHandler();
                o.WebSocketFactory = (context, ct) => new ValueTask<System.Net.WebSockets.WebSocket>(server.CreateWebSocketClient().ConnectAsync(context.Uri, ct));
            })
            .Build();
        var client = new LiveThreadClient(connection);
        await connection.StartAsync();
        return client;
    }

    /// <summary>The next change this connection hears of, within a few seconds.</summary>
    public async Task<ThreadChangedDto> NextAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            return await _changes.Reader.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException("No live thread change arrived within 10 s.");
        }
    }

    /// <summary>Completes when the server closed the connection, within a few seconds.</summary>
    public Task ClosedAsync() => _closed.Task.WaitAsync(TimeSpan.FromSeconds(10));

    public async ValueTask DisposeAsync() => await _connection.DisposeAsync();
}
