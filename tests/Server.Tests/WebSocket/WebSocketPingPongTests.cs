using System.Net.WebSockets;
using System.Text;
using ActorGameServer.Server.Tests.Support;
using Newtonsoft.Json.Linq;

namespace ActorGameServer.Server.Tests.WebSockets;

/// <summary>The TCP protocol over WebSocket: one envelope per message, the same bytes back.</summary>
public sealed class WebSocketPingPongTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Welcome_comes_first_as_a_text_message_with_user_ids_shared_with_tcp()
    {
        var (ws, wsWelcome) = await WebSocketWireClient.ConnectWelcomedAsync(_server.WebSocketUri);
        var (tcp, tcpWelcome) = await WireClient.ConnectWelcomedAsync(_server.EndPoint);
        await using (ws)
        await using (tcp)
        {
            Assert.Equal(WebSocketMessageType.Text, ws.LastMessageType);
            Assert.Equal(5000, (int)wsWelcome["max_payload"]!);
            Assert.Equal(ServerVersion.Current, (string?)wsWelcome["version"]);
            Assert.True((long)wsWelcome["user_id"]! >= 1);
            Assert.True((long)tcpWelcome["user_id"]! > (long)wsWelcome["user_id"]!, "one sequence of user ids for both listeners");
        }
    }

    public static TheoryData<string> Messages() =>
    [
        "1732480000123",
        "9007199254740993", // Not representable as a double: must not pass through one.
        "1.5",
        "-0.25",
        "1.50",
        "1e400",
        "\"héllo wörld 🎮 \\\"quoted\\\" \\u00e9\"",
        "{\"x\":1.5,\"y\":[1,2,{\"z\":null}],\"ok\":true}",
        "[]",
        "null",
        "true",
        "false",
    ];

    [Theory]
    [MemberData(nameof(Messages))]
    public async Task Pong_carries_the_ping_message_byte_for_byte(string message)
    {
        var (client, _) = await WebSocketWireClient.ConnectWelcomedAsync(_server.WebSocketUri);
        await using var _ = client;

        await client.SendJsonAsync($"{{\"cmd\":\"PING\",\"message\":{message}}}");

        Assert.Equal($"{{\"cmd\":\"PONG\",\"message\":{message}}}", await client.ReadFrameTextAsync());
        Assert.Equal(WebSocketMessageType.Text, client.LastMessageType);
    }

    [Fact]
    public async Task Pong_copies_the_request_id_and_treats_a_missing_message_as_null()
    {
        var (client, _) = await WebSocketWireClient.ConnectWelcomedAsync(_server.WebSocketUri);
        await using var _ = client;

        await client.SendJsonAsync("""{"id":{"seq":7},"extra":"ignored","cmd":"PING"}""");

        var pong = await client.ReadFrameAsync();
        Assert.Equal("PONG", (string?)pong["cmd"]);
        Assert.Equal(JTokenType.Null, pong["message"]!.Type);
        Assert.True(JToken.DeepEquals(Json.ParseValue("""{"seq":7}"""), pong["id"]));
    }

    [Fact]
    public async Task A_binary_message_is_read_like_a_text_one_and_answered_in_text()
    {
        var (client, _) = await WebSocketWireClient.ConnectWelcomedAsync(_server.WebSocketUri);
        await using var _ = client;

        await client.SendRawAsync(Encoding.UTF8.GetBytes("""{"cmd":"PING","message":{"n":9007199254740993,"s":"ü"},"id":3}"""), WebSocketMessageType.Binary);

        Assert.Equal("""{"cmd":"PONG","message":{"n":9007199254740993,"s":"ü"},"id":3}""", await client.ReadFrameTextAsync());
        Assert.Equal(WebSocketMessageType.Text, client.LastMessageType);
    }

    [Theory]
    [InlineData(WebSocketMessageType.Text)]
    [InlineData(WebSocketMessageType.Binary)]
    public async Task A_message_in_fragments_split_inside_a_character_is_one_envelope(WebSocketMessageType type)
    {
        var (client, _) = await WebSocketWireClient.ConnectWelcomedAsync(_server.WebSocketUri);
        await using var _ = client;
        var json = Encoding.UTF8.GetBytes("""{"cmd":"PING","message":"🎮 split"}""");
        var inside = Array.IndexOf(json, (byte)0xF0) + 2; // Between the bytes of the emoji.

        await client.SendRawAsync(json[..1], type, endOfMessage: false);
        await client.SendRawAsync(json[1..inside], type, endOfMessage: false);
        await client.SendRawAsync(json[inside..], type, endOfMessage: true);

        Assert.Equal("""{"cmd":"PONG","message":"🎮 split"}""", await client.ReadFrameTextAsync());
    }

    [Fact]
    public async Task Pipelined_pings_are_all_answered_in_order()
    {
        var (client, _) = await WebSocketWireClient.ConnectWelcomedAsync(_server.WebSocketUri);
        await using var _ = client;

        for (var i = 0; i < 100; i++)
        {
            await client.SendJsonAsync($"{{\"cmd\":\"PING\",\"message\":{i}}}");
        }

        for (var i = 0; i < 100; i++)
        {
            Assert.Equal($"{{\"cmd\":\"PONG\",\"message\":{i}}}", await client.ReadFrameTextAsync());
        }
    }

    [Fact]
    public async Task A_client_close_handshake_is_answered_and_the_player_goes_offline()
    {
        var (client, _) = await WebSocketWireClient.ConnectWelcomedAsync(_server.WebSocketUri);
        await using var _ = client;
        await _server.WaitForOnlineCountAsync(1);

        await client.CloseAsync();

        Assert.Equal(WebSocketState.Closed, client.State);
        await _server.WaitForOnlineCountAsync(0);
    }

    [Fact]
    public async Task An_aborted_connection_goes_offline()
    {
        var (client, _) = await WebSocketWireClient.ConnectWelcomedAsync(_server.WebSocketUri);
        await using var _ = client;
        await _server.WaitForOnlineCountAsync(1);

        client.Abort();

        await _server.WaitForOnlineCountAsync(0);
    }
}
