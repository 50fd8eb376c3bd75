using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using ActorGameServer.Server.Tests.Hosting;
using ActorGameServer.Server.Tests.Support;

namespace ActorGameServer.Server.Tests.Http;

/// <summary>Every limit holds on WebSocket as on TCP, and the caps count both transports together.</summary>
public sealed class WebSocketLimitsTests
{
    [Fact]
    public async Task Max_connections_counts_tcp_and_websocket_players_together()
    {
        await using var server = await TestServer.StartAsync("game-server.max-connections = 2");
        var (tcp, _) = await WireClient.ConnectWelcomedAsync(server.EndPoint);
        await using var _ = tcp;
        await using var web = await RawWebSocket.ConnectWelcomedAsync(server.HttpEndPoint);

        await using var refusedWeb = await RawWebSocket.ConnectAsync(server.HttpEndPoint);
        var error = Json.Parse(await refusedWeb.ReadTextAsync());
        Assert.Equal("server_full", (string?)error["message"]!["code"]);
        Assert.Equal(1013, await refusedWeb.ReadCloseCodeAsync()); // Try again later.

        var refusedTcp = await WireClient.ConnectAsync(server.EndPoint);
        await using var __ = refusedTcp;
        Assert.Equal("server_full", (string?)(await refusedTcp.ReadFrameAsync())["message"]!["code"]);
        Assert.Equal(2, await server.OnlineCountAsync());
    }

    [Fact]
    public async Task The_per_address_cap_counts_both_transports()
    {
        await using var server = await TestServer.StartAsync("game-server.max-connections-per-ip = 1");
        await using var web = await RawWebSocket.ConnectWelcomedAsync(server.HttpEndPoint);

        var refused = await WireClient.ConnectAsync(server.EndPoint);
        await using var _ = refused;

        Assert.Equal("too_many_connections", (string?)(await refused.ReadFrameAsync())["message"]!["code"]);
    }

    [Fact]
    public async Task A_websocket_player_that_completes_no_message_is_closed_idle_timeout()
    {
        await using var server = await TestServer.StartAsync("game-server.idle-timeout = 500ms");
        await using var web = await RawWebSocket.ConnectWelcomedAsync(server.HttpEndPoint);

        Assert.Equal("idle_timeout", (string?)Json.Parse(await web.ReadTextAsync())["message"]!["code"]);
        Assert.Equal(1008, await web.ReadCloseCodeAsync());
        await server.WaitForOnlineCountAsync(0);
    }

    [Fact]
    public async Task Websocket_messages_over_the_rate_limit_are_dropped_and_the_first_is_answered_rate_limited_with_its_id()
    {
        await using var server = await TestServer.StartAsync("game-server.rate-limit { messages-per-second = 1, burst = 3, error-interval = 1h }");
        await using var web = await RawWebSocket.ConnectWelcomedAsync(server.HttpEndPoint);

        for (var i = 1; i <= 5; i++)
        {
            await web.SendTextAsync($$"""{"cmd":"PING","message":{{i}},"id":{{i}}}""");
        }

        var replies = new List<Newtonsoft.Json.Linq.JObject>();
        for (var i = 0; i < 4; i++)
        {
            replies.Add(Json.Parse(await web.ReadTextAsync()));
        }

        Assert.Equal(["PONG 1", "PONG 2", "PONG 3", "ERROR 4"], replies.Select(r => $"{r["cmd"]} {r["id"]}"));
        Assert.Equal("rate_limited", (string?)replies[3]["message"]!["code"]); // Message 5 goes unanswered.
    }

    [Fact]
    public async Task A_browser_that_stops_reading_is_disconnected_and_its_neighbour_keeps_playing()
    {
        await using var server = await TestServer.StartAsync("""
            game-server {
              max-outbound-bytes = 64k
              rate-limit { messages-per-second = 100000, burst = 100000, bytes-per-second = 100m, byte-burst = 100m }
            }
            """);
        var (neighbour, _) = await WireClient.ConnectWelcomedAsync(server.EndPoint);
        await using var __ = neighbour;
        using var reader = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        await reader.ConnectAsync(new IPEndPoint(IPAddress.Loopback, server.HttpEndPoint.Port));
        await reader.SendAsync(Encoding.ASCII.GetBytes(
            $"GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"));
        await server.WaitForOnlineCountAsync(2);

        await SlowReader.FloodUntilDroppedAsync(server, reader, MaskedText($$"""{"cmd":"PING","message":"{{new string('x', 4000)}}"}"""), neighbour, remaining: 1);
    }

    [Fact]
    public async Task Behind_a_trusted_proxy_the_per_address_cap_counts_the_forwarded_client()
    {
        await using var server = await TestServer.StartAsync("""
            game-server { max-connections-per-ip = 1, http.trusted-proxies = ["127.0.0.1"] }
            """);

        using var ada = await ConnectAsync(server, forwardedFor: "203.0.113.1");
        using var bo = await ConnectAsync(server, forwardedFor: "198.51.100.9, 203.0.113.2"); // The right-most untrusted hop counts.
        Assert.Contains("WELCOME", await HttpListenerTests.ReceiveTextAsync(ada));
        Assert.Contains("WELCOME", await HttpListenerTests.ReceiveTextAsync(bo));

        using var adaAgain = await ConnectAsync(server, forwardedFor: "203.0.113.1");
        Assert.Contains("too_many_connections", await HttpListenerTests.ReceiveTextAsync(adaAgain));
    }

    [Fact]
    public async Task From_an_untrusted_peer_x_forwarded_for_is_ignored()
    {
        await using var server = await TestServer.StartAsync("game-server.max-connections-per-ip = 1");

        using var first = await ConnectAsync(server, forwardedFor: "203.0.113.1");
        Assert.Contains("WELCOME", await HttpListenerTests.ReceiveTextAsync(first));
        using var second = await ConnectAsync(server, forwardedFor: "203.0.113.2");

        Assert.Contains("too_many_connections", await HttpListenerTests.ReceiveTextAsync(second));
    }

    [Fact]
    public async Task With_allowed_origins_set_only_those_pages_and_the_servers_own_may_connect()
    {
        await using var server = await TestServer.StartAsync("""game-server.http.allowed-origins = ["https://mygame.example"]""");

        using var evil = new ClientWebSocket();
        evil.Options.SetRequestHeader("Origin", "https://evil.example");
        evil.Options.CollectHttpResponseDetails = true;
        await Assert.ThrowsAsync<WebSocketException>(() => evil.ConnectAsync(server.WebSocketUri, CancellationToken.None));
        Assert.Equal(HttpStatusCode.Forbidden, evil.HttpStatusCode);

        foreach (var origin in new[] { "https://mygame.example", $"http://127.0.0.1:{server.HttpEndPoint.Port}" })
        {
            using var page = new ClientWebSocket();
            page.Options.SetRequestHeader("Origin", origin);
            await page.ConnectAsync(server.WebSocketUri, CancellationToken.None);
            Assert.Contains("WELCOME", await HttpListenerTests.ReceiveTextAsync(page));
        }
    }

    private static async Task<ClientWebSocket> ConnectAsync(TestServer server, string forwardedFor)
    {
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("X-Forwarded-For", forwardedFor);
        await socket.ConnectAsync(server.WebSocketUri, CancellationToken.None);
        return socket;
    }

    private static byte[] MaskedText(string text)
    {
        var payload = Encoding.UTF8.GetBytes(text);
        // Masked with a zero key, which leaves the payload as it is: legal, and simple to build.
        return [0x81, 0x80 | 126, (byte)(payload.Length >> 8), (byte)payload.Length, 0, 0, 0, 0, .. payload];
    }

}
