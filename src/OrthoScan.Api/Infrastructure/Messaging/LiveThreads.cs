using System.Collections.Concurrent;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Role = OrthoScan.Api.Domain.Role;

namespace OrthoScan.Api.Infrastructure.Messaging;

/// <summary>
/// Tells the open dashboards and apps that a thread changed (a message arrived or was read), so they fetch it again. The
/// event carries ids only: the content is read through the audited routes, never pushed past them.
/// </summary>
/// <param name="ThreadId">The thread that changed.</param>
/// <param name="PatientId">Its patient.</param>
public sealed record ThreadChanged(Guid ThreadId, Guid PatientId);

/// <summary>
/// The live side of messaging. A practice member's connection joins the practice's group, a patient's only their own; the
/// group comes from the validated token, never from the client. Nothing can be invoked on it: it only listens.
/// </summary>
[Authorize(Policy = Policy)]
public sealed class ThreadsHub(LiveConnections connections) : Hub
{
    public const string Path = Routes.V1 + "/hubs/messages";
    public const string Policy = "live-threads";
    public const string ThreadChangedEvent = "threadChanged";

    public override async Task OnConnectedAsync()
    {
        await Groups.AddToGroupAsync(Context.ConnectionId, GroupOf(Context.User!));
        connections.Add(Context);
        await base.OnConnectedAsync();
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        connections.Remove(Context);
        return base.OnDisconnectedAsync(exception);
    }

    public static string PracticeGroup(Guid practiceId) => "practice:" + practiceId;

    public static string PatientGroup(Guid patientId) => "patient:" + patientId;

    private static string GroupOf(ClaimsPrincipal user)
    {
        var context = new RequestContext();
        context.LoadFrom(user);
        return context.Role == Role.Patient ? PatientGroup(context.PatientId!.Value) : PracticeGroup(context.RequirePractice());
    }

    /// <summary>Practice members and patients; platform users belong to no practice and have no threads.</summary>
    public static void Require(AuthorizationPolicyBuilder policy) => policy
        .RequireClaim(Claims.PracticeId)
        .RequireClaim(Claims.Role, [.. Roles.Clinical.Append(Role.Patient).Select(r => r.ToClaim())]);
}

/// <summary>This instance's open connections by sign-in (the token's <c>sid</c>), so a revoked sign-in's are closed at once.</summary>
public sealed class LiveConnections
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, HubCallerContext>> _bySignIn = new();

    public void Add(HubCallerContext context)
    {
        if (SignInOf(context) is { } sid) _bySignIn.GetOrAdd(sid, _ => new()).TryAdd(context.ConnectionId, context);
    }

    public void Remove(HubCallerContext context)
    {
        if (SignInOf(context) is { } sid && _bySignIn.TryGetValue(sid, out var open)) open.TryRemove(context.ConnectionId, out _);
    }

    public void Close(string sid)
    {
        if (!_bySignIn.TryRemove(sid, out var open)) return;
        foreach (var context in open.Values) context.Abort();
    }

    private static string? SignInOf(HubCallerContext context) => context.User?.FindFirst(Claims.SessionFamily)?.Value;
}

/// <summary>What a handler calls when it changed a thread: the news goes out once the transaction has committed.</summary>
public sealed class LiveThreads(AfterCommit afterCommit, LiveThreadRelay relay)
{
    public void Changed(MessageThread thread) =>
        afterCommit.Add(ct => relay.PublishAsync(thread.PracticeId, new ThreadChanged(thread.Id, thread.PatientId), ct));
}

/// <summary>
/// Carries thread changes between hosts through Redis: the worker that delivers feedback, or the API instance that took a
/// message, publishes; every API instance relays to the connections it holds, and closes those of a revoked sign-in. Live updates are a convenience on top of the
/// stored messages (clients fetch again when they reconnect), so a Redis outage drops them with a warning and never fails
/// the write that caused them.
/// </summary>
public sealed class LiveThreadRelay(
    IConnectionMultiplexer redis, IOptions<RedisOptions> options, TokenRevocations revocations, LiveConnections connections, IServiceProvider services,
    ILogger<LiveThreadRelay> logger)
    : BackgroundService
{
    private sealed record Envelope(Guid PracticeId, Guid ThreadId, Guid PatientId);

    private RedisChannel Channel => RedisChannel.Literal(options.Value.KeyPrefix + "live:threads");

    public async Task PublishAsync(Guid practiceId, ThreadChanged change, CancellationToken ct)
    {
        try
        {
            await redis.GetSubscriber().PublishAsync(Channel, JsonSerializer.Serialize(new Envelope(practiceId, change.ThreadId, change.PatientId)));
        }
        catch (Exception e) when (e is RedisException or TimeoutException or ObjectDisposedException)
        {
            logger.LogWarning(e, "Live update for thread {ThreadId} not published; clients see it when they next fetch.", change.ThreadId);
        }
    }

    /// <summary>Only hosts that serve the hub listen (see <see cref="LiveThreadSetup"/>).</summary>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var hub = services.GetRequiredService<IHubContext<ThreadsHub>>();
        // Redis may be down when the host starts: keep trying; once subscribed, the multiplexer resubscribes after reconnects.
        ChannelMessageQueue? changes = null, revoked = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (changes is null)
                {
                    changes = await redis.GetSubscriber().SubscribeAsync(Channel);
                    changes.OnMessage(message => RelayAsync(hub, message.Message));
                }
                revoked ??= await redis.GetSubscriber().SubscribeAsync(revocations.RevokedFamilies);
                revoked.OnMessage(message => connections.Close(message.Message.ToString()));
                return;
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                logger.LogWarning(e, "Live updates wait for Redis.");
                await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    private async Task RelayAsync(IHubContext<ThreadsHub> hub, RedisValue message)
    {
        try
        {
            var change = JsonSerializer.Deserialize<Envelope>(message.ToString())!;
            await hub.Clients.Groups(ThreadsHub.PracticeGroup(change.PracticeId), ThreadsHub.PatientGroup(change.PatientId))
                .SendAsync(ThreadsHub.ThreadChangedEvent, new ThreadChanged(change.ThreadId, change.PatientId));
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "A live thread update could not be relayed.");
        }
    }
}

public static class LiveThreadSetup
{
    public static IServiceCollection AddLiveThreads(this IServiceCollection services, bool servesApi)
    {
        services.AddSingleton<LiveThreadRelay>();
        services.AddSingleton<LiveConnections>();
        services.AddScoped<LiveThreads>();
        if (servesApi)
        {
            services.AddSignalR(o => o.EnableDetailedErrors = false);
            services.AddHostedService(sp => sp.GetRequiredService<LiveThreadRelay>());
            services.AddAuthorizationBuilder().AddPolicy(ThreadsHub.Policy, ThreadsHub.Require);
        }
        return services;
    }

    public static void MapLiveThreads(this IEndpointRouteBuilder app) =>
        // The connection ends when its access token expires, so a revoked session does not keep listening for long.
        app.MapHub<ThreadsHub>(ThreadsHub.Path, o => o.CloseOnAuthenticationExpiration = true);
}
