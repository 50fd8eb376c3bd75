using System.Net.WebSockets;
using ActorGameServer.Server.Tests.Http;
using ActorGameServer.Server.Tests.Support;

namespace ActorGameServer.Server.Tests.WebSockets;

/// <summary>Connection caps, rate limits, idle timeouts and shutdown reach WebSocket players too.</summary>
public sealed class WebSocketLimitsTests
{
    /// <summary>RFC 6455's 1013 Try Again Later, which the WebSocketCloseStatus enum lacks.</summary>
    private const WebSocketCloseStatus TryAgainLater = (WebSocketCloseStatus)1013;

    [Fact]
    public async Task Over_the_total_cap_counting_both_listeners_a_websocket_newcomer_is_told_server_full()
    {
        await using var server = await TestServer.StartAsync("game-server.max-connections = 2");
        var (tcp, _) = await WireClient.ConnectWelcomedAsync(server.EndPoint);
        var (ws, _) = await WebSocketWireClient.ConnectWelcomedAsync(server.WebSocketUri);
        await using (tcp)
        await using (ws)
        {
            await using (var refused = await WebSocketWireClient.ConnectAsync(server.WebSocketUri))
            {
                await WebSocketProtocolErrorTests.AssertErrorThenCloseAsync(refused, "server_full", TryAgainLater);
            }

            await using (var refused = await WireClient.ConnectAsync(server.EndPoint))
            {
                Assert.Equal("server_full", (string?)(await refused.ReadFrameAsync())["message"]!["code"]);
                Assert.True(await refused.IsClosedByServerAsync());
            }

            await ws.SendJsonAsync("""{"cmd":"PING","message":1}""");
            Assert.Equal("""{"cmd":"PONG","message":1}""", await ws.ReadFrameTextAsync());
        }
    }

    [Fact]
    public async Task Over_the_per_address_cap_a_websocket_newcomer_is_told_too_many_connections()
    {
        await using var server = await TestServer.StartAsync("game-server.max-connections-per-ip = 1");
        var (first, _) = await WebSocketWireClient.ConnectWelcomedAsync(server.WebSocketUri);
        await using var _ = first;

        await using var second = await WebSocketWireClient.ConnectAsync(server.WebSocketUri);

        await WebSocketProtocolErrorTests.AssertErrorThenCloseAsync(second, "too_many_connections", TryAgainLater);
    }

    [Fact]
    public async Task A_silent_websocket_player_is_told_idle_timeout_and_closed()
    {
        await using var server = await TestServer.StartAsync("game-server.idle-timeout = 1s");
        var (client, _) = await WebSocketWireClient.ConnectWelcomedAsync(server.WebSocketUri);
        await using var _ = client;

        await WebSocketProtocolErrorTests.AssertErrorThenCloseAsync(client, "idle_timeout", WebSocketCloseStatus.PolicyViolation);
        await server.WaitForOnlineCountAsync(0);
    }

    [Fact]
    public async Task A_frame_header_whose_payload_never_comes_is_ended_by_the_idle_timeout()
    {
        await using var server = await TestServer.StartAsync("game-server.idle-timeout = 1s");
        await using var raw = await RawWebSocket.ConnectWelcomedAsync(server.HttpEndPoint);

        await raw.SendHeaderOnlyAsync(RawWebSocket.Binary, 1UL << 62);

        Assert.Equal("idle_timeout", (string?)Json.Parse(await raw.ReadTextAsync())["message"]!["code"]);
        Assert.Equal((int)WebSocketCloseStatus.PolicyViolation, await raw.ReadCloseCodeAsync());
        await server.WaitForOnlineCountAsync(0);
    }

    [Fact]
    public async Task Stopping_the_server_in_process_sends_shutdown_then_closes_with_going_away()
    {
        var server = await TestServer.StartAsync("game-server.close-timeout = 1s");
        var (ws, _) = await WebSocketWireClient.ConnectWelcomedAsync(server.WebSocketUri);
        var library = await server.ConnectWebSocketPlayerAsync();
        try
        {
            var stopping = server.Host.StopAsync();

            var shutdown = await ws.ReadFrameAsync();
            Assert.Equal("SHUTDOWN", (string?)shutdown["cmd"]);
            Assert.NotNull(shutdown["message"]!["reason"]);
            Assert.True((int)shutdown["message"]!["reconnect_after_ms"]! >= 0);
            Assert.True(await ws.IsClosedByServerAsync());
            Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, ws.CloseStatus);

            // GameClient: SHUTDOWN is the last push, then the pushes end without an error.
            var pushes = await library.ReadPushesAsync().ToListAsync().AsTask().Soon();
            Assert.Equal(["SHUTDOWN"], pushes.Select(p => p.Cmd));

            await stopping.Soon();
        }
        finally
        {
            await ws.DisposeAsync();
            await library.DisposeAsync();
            await server.DisposeAsync();
        }
    }
}
