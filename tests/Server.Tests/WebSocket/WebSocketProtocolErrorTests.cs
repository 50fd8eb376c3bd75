using System.Net.WebSockets;
using System.Text;
using ActorGameServer.Server.Tests.Support;

namespace ActorGameServer.Server.Tests.WebSockets;

/// <summary>
/// Hostile or broken messages over WebSocket: the sender gets the same ERROR as over TCP, then a
/// close frame whose status says why; nobody else notices.
/// </summary>
public sealed class WebSocketProtocolErrorTests : IAsyncLifetime
{
    private static readonly byte[] BadUtf8 = [(byte)'{', (byte)'"', 0xC3, 0x28, (byte)'"', (byte)':', (byte)'1', (byte)'}'];

    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public static TheoryData<string, WebSocketCloseStatus, byte[], WebSocketMessageType> FatalMessages() => new()
    {
        { "frame_too_large", WebSocketCloseStatus.MessageTooBig, Utf8(PingOfBytes(5001)), WebSocketMessageType.Text },
        { "frame_too_large", WebSocketCloseStatus.MessageTooBig, Utf8(PingOfBytes(100_000)), WebSocketMessageType.Binary },
        { "bad_utf8", WebSocketCloseStatus.InvalidPayloadData, BadUtf8, WebSocketMessageType.Binary },
        { "bad_json", WebSocketCloseStatus.PolicyViolation, [], WebSocketMessageType.Text },
        { "bad_json", WebSocketCloseStatus.PolicyViolation, Utf8("{\"cmd\":\"PING\""), WebSocketMessageType.Text },
        { "bad_json", WebSocketCloseStatus.PolicyViolation, Utf8("{\"cmd\":\"PING\"} trailing"), WebSocketMessageType.Text },
        { "bad_json", WebSocketCloseStatus.PolicyViolation, Utf8("{\"cmd\":\"PING\",\"message\":" + new string('[', 40) + new string(']', 40) + "}"), WebSocketMessageType.Text },
        { "bad_envelope", WebSocketCloseStatus.PolicyViolation, Utf8("[1,2,3]"), WebSocketMessageType.Text },
        { "bad_envelope", WebSocketCloseStatus.PolicyViolation, Utf8("{\"cmd\":42}"), WebSocketMessageType.Binary },
    };

    [Theory]
    [MemberData(nameof(FatalMessages))]
    public async Task A_hostile_message_gets_an_error_then_a_close_with_its_status(string code, WebSocketCloseStatus status, byte[] message, WebSocketMessageType type)
    {
        var (bystander, _) = await WebSocketWireClient.ConnectWelcomedAsync(_server.WebSocketUri);
        var (tcpBystander, _) = await WireClient.ConnectWelcomedAsync(_server.EndPoint);
        var (attacker, _) = await WebSocketWireClient.ConnectWelcomedAsync(_server.WebSocketUri);
        await using (bystander)
        await using (tcpBystander)
        await using (attacker)
        {
            await attacker.SendRawAsync(message, type);

            await AssertErrorThenCloseAsync(attacker, code, status);

            // The players next to the attacker saw nothing and are still served.
            await bystander.SendJsonAsync("""{"cmd":"PING","message":"still here"}""");
            Assert.Equal("""{"cmd":"PONG","message":"still here"}""", await bystander.ReadFrameTextAsync());
            await tcpBystander.SendJsonAsync("""{"cmd":"PING","message":"still here"}""");
            Assert.Equal("""{"cmd":"PONG","message":"still here"}""", await tcpBystander.ReadFrameTextAsync());
        }

        await _server.WaitForOnlineCountAsync(0);
    }

    [Fact]
    public async Task An_oversized_message_is_refused_before_it_ends()
    {
        var (client, _) = await WebSocketWireClient.ConnectWelcomedAsync(_server.WebSocketUri);
        await using var _ = client;

        // 5001 bytes of a message that is never finished: the error must not wait for its end.
        await client.SendRawAsync(Utf8(new string(' ', 5001)), WebSocketMessageType.Text, endOfMessage: false);

        await AssertErrorThenCloseAsync(client, "frame_too_large", WebSocketCloseStatus.MessageTooBig);
    }

    [Fact]
    public async Task A_text_message_with_invalid_utf8_ends_that_connection_only()
    {
        var (bystander, _) = await WebSocketWireClient.ConnectWelcomedAsync(_server.WebSocketUri);
        var (attacker, _) = await WebSocketWireClient.ConnectWelcomedAsync(_server.WebSocketUri);
        await using (bystander)
        await using (attacker)
        {
            await attacker.SendRawAsync(BadUtf8, WebSocketMessageType.Text);

            // .NET's WebSocket checks a text message's UTF-8 itself and closes with 1007 before the
            // server sees the message, so no ERROR frame comes first (docs/PROTOCOL.md, Transports).
            Assert.True(await attacker.IsClosedByServerAsync());
            Assert.Contains(attacker.CloseStatus, new WebSocketCloseStatus?[] { WebSocketCloseStatus.InvalidPayloadData, null }); // null: reset first.

            await bystander.SendJsonAsync("""{"cmd":"PING","message":"still here"}""");
            Assert.Equal("""{"cmd":"PONG","message":"still here"}""", await bystander.ReadFrameTextAsync());
        }

        await _server.WaitForOnlineCountAsync(0);
    }

    [Fact]
    public async Task Messages_after_a_hostile_one_are_not_answered()
    {
        var (client, _) = await WebSocketWireClient.ConnectWelcomedAsync(_server.WebSocketUri);
        await using var _ = client;

        await client.SendJsonAsync("[]");
        await client.SendJsonAsync("""{"cmd":"PING","message":1}""");

        await AssertErrorThenCloseAsync(client, "bad_envelope", WebSocketCloseStatus.PolicyViolation);
    }

    /// <summary>The next message is ERROR <paramref name="code"/> without an id, then the server closes with <paramref name="status"/>.</summary>
    internal static async Task AssertErrorThenCloseAsync(WebSocketWireClient client, string code, WebSocketCloseStatus status)
    {
        var error = await client.ReadFrameAsync();
        Assert.Equal("ERROR", (string?)error["cmd"]);
        Assert.Equal(code, (string?)error["message"]!["code"]);
        Assert.False(string.IsNullOrWhiteSpace((string?)error["message"]!["detail"]));
        Assert.True(await client.IsClosedByServerAsync(), "the server must close the connection after the error");
        Assert.Equal(status, client.CloseStatus);
    }

    private static string PingOfBytes(int bytes)
    {
        const string prefix = "{\"cmd\":\"PING\",\"message\":\"";
        return prefix + new string('x', bytes - prefix.Length - 2) + "\"}";
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
