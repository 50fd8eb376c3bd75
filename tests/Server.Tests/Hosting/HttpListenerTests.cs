using System.Net;
using System.Net.WebSockets;
using System.Text;
using ActorGameServer.Server.Tests.Support;

namespace ActorGameServer.Server.Tests.Hosting;

/// <summary>The HTTP listener as a web player and an operator meet it: one port, /ws, and how it starts and stops.</summary>
public sealed class HttpListenerTests
{
    [Fact]
    public async Task A_plain_get_on_the_websocket_path_is_told_to_upgrade()
    {
        await using var server = await TestServer.StartAsync();
        using var http = new HttpClient();

        var response = await http.GetAsync(new Uri(server.HttpUri, "/ws"));

        Assert.Equal(HttpStatusCode.UpgradeRequired, response.StatusCode);
        Assert.Contains("WebSocket", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_websocket_player_is_welcomed_and_its_ping_comes_back_byte_for_byte()
    {
        await using var server = await TestServer.StartAsync();
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(server.WebSocketUri, CancellationToken.None);

        var welcome = await ReceiveTextAsync(socket);
        Assert.StartsWith("""{"cmd":"WELCOME","message":{"user_id":1,""", welcome);

        const string ping = """{"cmd":"PING","message":{"n":9007199254740993,"f":1.50,"s":"🎮"},"id":"r1"}""";
        await socket.SendAsync(Encoding.UTF8.GetBytes(ping), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);

        Assert.Equal("""{"cmd":"PONG","message":{"n":9007199254740993,"f":1.50,"s":"🎮"},"id":"r1"}""", await ReceiveTextAsync(socket));
        Assert.Equal(1, await server.OnlineCountAsync());
    }

    [Fact]
    public async Task With_http_off_only_the_game_port_listens()
    {
        await using var server = await TestServer.StartAsync("game-server.http.port = off");

        Assert.Null(server.Host.HttpEndPoint);
        var (player, _) = await WireClient.ConnectWelcomedAsync(server.EndPoint);
        await player.DisposeAsync();
    }

    internal static async Task<string> ReceiveTextAsync(WebSocket socket)
    {
        using var timeout = new CancellationTokenSource(WireClient.DefaultTimeout);
        var buffer = new byte[64 * 1024];
        var count = 0;
        ValueWebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(buffer.AsMemory(count), timeout.Token);
            count += result.Count;
        }
        while (!result.EndOfMessage);

        Assert.Equal(WebSocketMessageType.Text, result.MessageType);
        return Encoding.UTF8.GetString(buffer, 0, count);
    }
}
