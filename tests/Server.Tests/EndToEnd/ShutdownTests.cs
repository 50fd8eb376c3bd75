using ActorGameServer.Server.Tests.Support;

namespace ActorGameServer.Server.Tests.EndToEnd;

public sealed class ShutdownTests
{
    [Fact]
    public async Task Stopping_completes_even_when_players_never_read_or_close()
    {
        var server = await TestServer.StartAsync("game-server.close-timeout = 1s");
        var deaf = new List<WireClient>();
        for (var i = 0; i < 20; i++)
        {
            deaf.Add(await WireClient.ConnectAsync(server.EndPoint)); // Never reads, never closes.
        }

        var (listening, _) = await WireClient.ConnectWelcomedAsync(server.EndPoint);
        await server.WaitForOnlineCountAsync(21);

        var stopping = server.Host.StopAsync();

        var shutdown = await listening.ReadFrameAsync();
        Assert.Equal("SHUTDOWN", (string?)shutdown["cmd"]);
        Assert.True(await listening.IsClosedByServerAsync());
        var finished = await Task.WhenAny(stopping, Task.Delay(WireClient.DefaultTimeout));
        Assert.Same(stopping, finished);
        await stopping;

        foreach (var client in deaf.Append(listening))
        {
            await client.DisposeAsync();
        }

        await server.DisposeAsync();
    }
}
