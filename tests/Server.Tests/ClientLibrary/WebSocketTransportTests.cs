using System.Net.WebSockets;
using System.Text;
using System.Threading.Channels;
using ActorGameServer.Client;
using ActorGameServer.Server.Tests.Support;

namespace ActorGameServer.Server.Tests.ClientLibrary;

/// <summary>GameClient over WebSocket against a fake server that sends exactly what each test says.</summary>
public sealed class WebSocketTransportTests : IDisposable
{
    private const string Welcome = """{"cmd":"WELCOME","message":{"user_id":1,"max_payload":5000,"version":"test"}}""";

    private readonly FakeWebSocketServer _server = new();

    public void Dispose() => _server.Dispose();

    [Fact]
    public async Task Only_ws_and_wss_urls_are_taken()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => GameClient.ConnectAsync(new Uri("http://127.0.0.1:1/ws")));
        Assert.Contains("ws://", error.Message);
    }

    [Fact]
    public async Task Requests_and_pushes_are_told_apart_by_id_as_over_tcp_and_text_and_binary_messages_both_count()
    {
        var (client, server) = await ConnectAsync();
        await using var _ = client;
        using var __ = server;

        var who = client.WhoAsync("lobby");
        var request = Json.Parse(await ReceiveTextAsync(server));
        Assert.Equal("WHO", (string?)request["cmd"]);
        await SendAsync(server, """{"cmd":"DIRECT","message":{"from":2,"data":"first"}}""", WebSocketMessageType.Binary);
        await SendAsync(server, $$"""{"cmd":"WHO","message":{"room":"lobby","members":[]},"id":{{request["id"]}}}""");
        await SendAsync(server, """{"cmd":"ERROR","message":{"code":"not_in_room","detail":"no"},"id":999}""");

        Assert.Equal("lobby", (await who.Soon()).Message.GetProperty("room").GetString());
        Assert.Equal("first", (await client.NextAsync()).Message.GetProperty("data").GetString());
        Assert.Equal("ERROR", (await client.NextAsync()).Cmd); // An id nobody waits for is a push.

        var hello = client.HelloAsync("Ada");
        var helloId = Json.Parse(await ReceiveTextAsync(server))["id"];
        await SendAsync(server, $$"""{"cmd":"ERROR","message":{"code":"bad_name","detail":"no"},"id":{{helloId}}}""");
        await hello.ExpectErrorAsync("bad_name");
    }

    [Fact]
    public async Task Each_request_goes_out_as_one_text_message()
    {
        var (client, server) = await ConnectAsync();
        await using var _ = client;
        using var __ = server;

        await client.RelayAsync("lobby", """{"x":1.50}""");

        var buffer = new byte[1024];
        var result = await server.ReceiveAsync(new ArraySegment<byte>(buffer), CancellationToken.None).Soon();
        Assert.Equal(WebSocketMessageType.Text, result.MessageType);
        Assert.True(result.EndOfMessage);
        Assert.Equal("""{"cmd":"RELAY","message":{"room":"lobby","data":{"x":1.50}}}""", Encoding.UTF8.GetString(buffer, 0, result.Count));
    }

    [Fact]
    public async Task A_message_past_the_maximum_fails_the_connection_before_it_ends()
    {
        var (client, server) = await ConnectAsync();
        await using var _ = client;
        using var __ = server;
        var ping = client.PingAsync();

        // One byte over the maximum, as a message that never ends: the client must not wait for the end.
        var chunk = new byte[1024 * 1024];
        chunk.AsSpan().Fill((byte)' ');
        for (var sent = 0; sent <= GameClient.MaxFrameBytes; sent += chunk.Length)
        {
            await server.SendAsync(chunk.AsMemory(0, Math.Min(chunk.Length, GameClient.MaxFrameBytes + 1 - sent)), WebSocketMessageType.Text, endOfMessage: false, CancellationToken.None);
        }

        var closed = await Assert.ThrowsAsync<ChannelClosedException>(() => client.NextPushAsync(WireClient.DefaultTimeout));
        Assert.Contains("larger than the maximum", Assert.IsType<InvalidDataException>(closed.InnerException).Message);
        await Assert.ThrowsAsync<IOException>(() => ping.Soon());
        Assert.True(await EndedAsync(server), "the client must drop the connection, not keep it open");
    }

    [Fact]
    public async Task A_message_of_exactly_the_maximum_is_read()
    {
        var (client, server) = await ConnectAsync();
        await using var _ = client;
        using var __ = server;
        var prefix = """{"cmd":"DIRECT","message":{"from":2,"data":" """.TrimEnd();
        var data = new string('x', GameClient.MaxFrameBytes - prefix.Length - 3);
        var json = prefix + data + "\"}}";
        Assert.Equal(GameClient.MaxFrameBytes, json.Length);

        await SendAsync(server, json);

        Assert.Equal(data.Length, (await client.NextAsync()).Message.GetProperty("data").GetString()!.Length);
    }

    [Fact]
    public async Task An_oversized_welcome_fails_the_connect()
    {
        var connecting = GameClient.ConnectAsync(_server.Url);
        using var server = await _server.AcceptAsync();

        await server.SendAsync(new byte[GameClient.MaxFrameBytes + 1], WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => connecting.Soon());
        Assert.Contains("larger than the maximum", error.Message);
    }

    [Fact]
    public async Task A_message_that_is_not_an_envelope_fails_the_connection()
    {
        var (client, server) = await ConnectAsync();
        await using var _ = client;
        using var __ = server;

        await SendAsync(server, "[1,2]");

        var closed = await Assert.ThrowsAsync<ChannelClosedException>(() => client.NextPushAsync(WireClient.DefaultTimeout));
        Assert.Contains("bad_envelope", Assert.IsType<InvalidDataException>(closed.InnerException).Message);
        Assert.True(await EndedAsync(server), "the client must drop the connection, not keep it open");
    }

    [Theory]
    [InlineData(WebSocketCloseStatus.NormalClosure)]
    [InlineData(WebSocketCloseStatus.EndpointUnavailable)]
    public async Task A_normal_or_going_away_close_ends_the_pushes_in_order(WebSocketCloseStatus status)
    {
        var (client, server) = await ConnectAsync();
        await using var _ = client;
        using var __ = server;

        await SendAsync(server, """{"cmd":"SHUTDOWN","message":{"reason":"bye","reconnect_after_ms":5000}}""");
        await server.CloseOutputAsync(status, "stopping", CancellationToken.None);

        var pushes = await client.ReadPushesAsync().ToListAsync().AsTask().Soon();
        Assert.Equal("SHUTDOWN", Assert.Single(pushes).Cmd);
        await AnsweredCloseAsync(server); // The client finished the handshake.
    }

    [Fact]
    public async Task Any_other_close_status_is_the_reason_the_connection_failed()
    {
        var (client, server) = await ConnectAsync();
        await using var _ = client;
        using var __ = server;

        await SendAsync(server, """{"cmd":"ERROR","message":{"code":"bad_json","detail":"no"}}""");
        await server.CloseOutputAsync(WebSocketCloseStatus.PolicyViolation, "bad_json", CancellationToken.None);

        Assert.Equal("ERROR", (await client.NextAsync()).Cmd);
        var closed = await Assert.ThrowsAsync<ChannelClosedException>(() => client.NextPushAsync(WireClient.DefaultTimeout));
        var reason = Assert.IsType<IOException>(closed.InnerException).Message;
        Assert.Contains("1008", reason);
        Assert.Contains("bad_json", reason);
    }

    [Fact]
    public async Task Disposing_closes_with_a_normal_close_handshake()
    {
        var (client, server) = await ConnectAsync();
        using var _ = server;
        var serverReads = AnsweredCloseAsync(server);

        await client.DisposeAsync().AsTask().Soon();

        Assert.Equal(WebSocketCloseStatus.NormalClosure, await serverReads.Soon());
    }

    private async Task<(GameClient Client, WebSocket Server)> ConnectAsync()
    {
        var connecting = GameClient.ConnectAsync(_server.Url);
        var server = await _server.AcceptAsync();
        await SendAsync(server, Welcome);
        var client = await connecting.Soon();
        Assert.Equal(1, client.UserId);
        return (client, server);
    }

    private static Task SendAsync(WebSocket server, string json, WebSocketMessageType type = WebSocketMessageType.Text) =>
        server.SendAsync(Encoding.UTF8.GetBytes(json), type, endOfMessage: true, CancellationToken.None).Soon();

    private static async Task<string> ReceiveTextAsync(WebSocket server)
    {
        var buffer = new byte[64 * 1024];
        var result = await server.ReceiveAsync(new ArraySegment<byte>(buffer), CancellationToken.None).Soon();
        Assert.True(result.EndOfMessage);
        return Encoding.UTF8.GetString(buffer, 0, result.Count);
    }

    /// <summary>True when the client ends the connection (reset, end of stream or close frame), skipping what it still sent.</summary>
    private static async Task<bool> EndedAsync(WebSocket server)
    {
        var buffer = new ArraySegment<byte>(new byte[1024]);
        try
        {
            while ((await server.ReceiveAsync(buffer, CancellationToken.None).Soon()).MessageType != WebSocketMessageType.Close)
            {
            }

            return true;
        }
        catch (WebSocketException)
        {
            return true;
        }
    }

    /// <summary>Reads on the server end until the client's close frame, answering it; returns its status.</summary>
    private static async Task<WebSocketCloseStatus?> AnsweredCloseAsync(WebSocket server)
    {
        var buffer = new byte[1024];
        while ((await server.ReceiveAsync(new ArraySegment<byte>(buffer), CancellationToken.None).Soon()).MessageType != WebSocketMessageType.Close)
        {
        }

        if (server.State == WebSocketState.CloseReceived)
        {
            await server.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None).Soon();
        }

        return server.CloseStatus;
    }
}
