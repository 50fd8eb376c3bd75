using System.Net;
using ActorGameServer.Server.Actors;
using ActorGameServer.Server.Configuration;
using ActorGameServer.Server.Hosting;
using Akka.Actor;

namespace ActorGameServer.Server.Tests.Support;

/// <summary>A real server on 127.0.0.1 and a free port, configured exactly like production except for the overrides.</summary>
public sealed class TestServer : IAsyncDisposable
{
    private TestServer(GameServerHost host) => Host = host;

    public GameServerHost Host { get; }

    public IPEndPoint EndPoint => Host.EndPoint;

    /// <summary>The HTTP listener (on 127.0.0.1 and a free port, like the game port).</summary>
    public IPEndPoint HttpEndPoint => Host.HttpEndPoint ?? throw new InvalidOperationException("this test server runs without HTTP");

    /// <summary>Where WebSocket players connect: <c>ws://127.0.0.1:PORT/ws</c>.</summary>
    public Uri WebSocketUri => new($"ws://127.0.0.1:{HttpEndPoint.Port}/ws");

    public Uri HttpUri => new($"http://127.0.0.1:{HttpEndPoint.Port}/");

    /// <summary>
    /// Every test client comes from 127.0.0.1, so the per-address cap is raised unless a test
    /// sets its own. The cluster port is a free one too, so servers started at once do not
    /// collide on 9302; each is still a cluster of one unless a test gives it seed nodes.
    /// </summary>
    public static async Task<TestServer> StartAsync(string extraHocon = "")
    {
        var config = ServerConfig.LoadWith($$"""
            game-server { host = "127.0.0.1", port = 0, http.port = 0, cluster.port = 0, max-connections-per-ip = 100000 }
            # Resume off unless a test turns it on (ResumeTests): the other tests expect a dropped
            # player to leave its rooms at once, not after the resume window.
            game-server.sessions.resume-window = 0
            akka.loglevel = WARNING
            # A stopping node leaves its cluster, and the leader moves it on to Exiting at its next
            # tick: by default the first comes 1 s after start and the rest 1 s apart, which most
            # test servers' stops waited for (hundreds of them: about 100 s of the run; with these, a few seconds). Same code
            # path, shorter timers.
            akka.cluster.periodic-tasks-initial-delay = 20ms
            akka.cluster.leader-actions-interval = 20ms
            {{extraHocon}}
            """);
        return new TestServer(await GameServerHost.StartAsync(config));
    }

    public async Task<int> OnlineCountAsync()
    {
        var reply = await Host.Registry.Ask<ClientRegistry.OnlineCount>(ClientRegistry.GetOnlineCount.Instance, WireClient.DefaultTimeout);
        return reply.Count;
    }

    /// <summary>Polls until the registry reports <paramref name="expected"/> clients (disconnects are asynchronous).</summary>
    public async Task WaitForOnlineCountAsync(int expected)
    {
        var deadline = DateTime.UtcNow + WireClient.DefaultTimeout;
        int count;
        while ((count = await OnlineCountAsync()) != expected && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Equal(expected, count);
    }

    public ValueTask DisposeAsync() => Host.DisposeAsync();
}
