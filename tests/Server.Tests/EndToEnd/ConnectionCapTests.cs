using ActorGameServer.Server.Tests.Support;

namespace ActorGameServer.Server.Tests.EndToEnd;

public sealed class ConnectionCapTests
{
    [Fact]
    public async Task Over_the_total_cap_a_newcomer_is_told_server_full_and_no_user_id_is_spent()
    {
        await using var server = await TestServer.StartAsync("game-server.max-connections = 3");
        var players = new List<WireClient>();
        for (var i = 0; i < 3; i++)
        {
            players.Add((await WireClient.ConnectWelcomedAsync(server.EndPoint)).Client);
        }

        await using (var refused = await WireClient.ConnectAsync(server.EndPoint))
        {
            var error = await refused.ReadFrameAsync();
            Assert.Equal("ERROR", (string?)error["cmd"]);
            Assert.Equal("server_full", (string?)error["message"]!["code"]);
            Assert.True(await refused.IsClosedByServerAsync());
        }

        // The players already in were not touched.
        await players[0].SendJsonAsync("""{"cmd":"PING","message":1}""");
        Assert.Equal("""{"cmd":"PONG","message":1}""", await players[0].ReadFrameTextAsync());

        // Space frees up: the next player is admitted, with the next unspent id.
        await players[2].DisposeAsync();
        await server.WaitForOnlineCountAsync(2);
        var (next, welcome) = await WireClient.ConnectWelcomedAsync(server.EndPoint);
        Assert.Equal(4, (long)welcome["user_id"]!);

        await next.DisposeAsync();
        await players[0].DisposeAsync();
        await players[1].DisposeAsync();
    }

    [Fact]
    public async Task Over_the_per_address_cap_a_newcomer_is_told_too_many_connections()
    {
        await using var server = await TestServer.StartAsync("game-server.max-connections-per-ip = 2");
        var (first, _) = await WireClient.ConnectWelcomedAsync(server.EndPoint);
        var (second, _) = await WireClient.ConnectWelcomedAsync(server.EndPoint);

        await using (var third = await WireClient.ConnectAsync(server.EndPoint))
        {
            var error = await third.ReadFrameAsync();
            Assert.Equal("too_many_connections", (string?)error["message"]!["code"]);
            Assert.True(await third.IsClosedByServerAsync());
        }

        await first.DisposeAsync();
        await server.WaitForOnlineCountAsync(1);
        var (again, _) = await WireClient.ConnectWelcomedAsync(server.EndPoint);
        await again.DisposeAsync();
        await second.DisposeAsync();
    }
}
