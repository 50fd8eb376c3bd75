using ActorGameServer.Server.Tests.Support;

namespace ActorGameServer.Server.Tests.EndToEnd;

public sealed class IdleTimeoutTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync("game-server.idle-timeout = 1s");

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_silent_connection_is_told_idle_timeout_and_closed()
    {
        var (client, _) = await WireClient.ConnectWelcomedAsync(_server.EndPoint);
        await using var _ = client;

        var error = await client.ReadFrameAsync();

        Assert.Equal("idle_timeout", (string?)error["message"]!["code"]);
        Assert.True(await client.IsClosedByServerAsync());
        await _server.WaitForOnlineCountAsync(0);
    }

    [Fact]
    public async Task A_slowloris_trickling_one_byte_at_a_time_does_not_keep_its_connection()
    {
        var (client, _) = await WireClient.ConnectWelcomedAsync(_server.EndPoint);
        await using var _ = client;
        await client.SendRawAsync(WireClient.LengthPrefix(5000));

        // Bytes keep arriving, but no frame ever completes.
        var trickle = Task.Run(async () =>
        {
            try
            {
                for (var i = 0; i < 100; i++)
                {
                    await client.SendRawAsync([(byte)'x']);
                    await Task.Delay(100);
                }
            }
            catch (IOException)
            {
                // The server closed the connection: what this test wants.
            }
        });

        var error = await client.ReadFrameAsync();
        Assert.Equal("idle_timeout", (string?)error["message"]!["code"]);
        Assert.True(await client.IsClosedByServerAsync());
        await trickle;
    }

    [Fact]
    public async Task A_player_who_keeps_pinging_is_never_timed_out()
    {
        // Its own server with a 2 s timeout, not the 1 s of the others: on a busy 2-core machine
        // running the whole suite, a round trip plus the 100 ms pause once took over 900 ms.
        // With 2 s, only a stall of 1.9 s would time this player out.
        await using var server = await TestServer.StartAsync("game-server.idle-timeout = 2s");
        var (client, _) = await WireClient.ConnectWelcomedAsync(server.EndPoint);
        await using var _ = client;

        // Three timeouts' worth of pings, one every 100 ms.
        for (var i = 0; i < 60; i++)
        {
            await client.SendJsonAsync($$"""{"cmd":"PING","message":{{i}}}""");
            Assert.Equal($$"""{"cmd":"PONG","message":{{i}}}""", await client.ReadFrameTextAsync());
            await Task.Delay(100);
        }
    }
}
