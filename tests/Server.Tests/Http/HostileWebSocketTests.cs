using System.Text;
using ActorGameServer.Server.Tests.Support;

namespace ActorGameServer.Server.Tests.Http;

/// <summary>
/// What a broken or hostile WebSocket client can send after the upgrade: the server answers what
/// the protocol allows, closes what it must, never holds more than max-payload for anyone, and a
/// TCP player next to it notices nothing.
/// </summary>
public sealed class HostileWebSocketTests : IAsyncLifetime
{
    private TestServer _server = null!;
    private WireClient _bystander = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync("game-server.close-timeout = 1s");
        (_bystander, _) = await WireClient.ConnectWelcomedAsync(_server.EndPoint);
    }

    public async Task DisposeAsync()
    {
        await _bystander.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task A_message_in_fragments_with_a_ping_between_them_is_one_envelope()
    {
        await using var client = await RawWebSocket.ConnectWelcomedAsync(_server.HttpEndPoint);

        await client.SendFrameAsync(RawWebSocket.Text, Encoding.UTF8.GetBytes("""{"cmd":"PI"""), fin: false);
        await client.SendFrameAsync(RawWebSocket.Ping, "are you there"u8.ToArray());
        await client.SendFrameAsync(RawWebSocket.Continuation, Encoding.UTF8.GetBytes("""NG","message":"whole"}"""));

        var pong = await client.ReadFrameAsync();
        Assert.Equal(RawWebSocket.Pong, pong!.Value.Opcode); // The control frame is answered in the middle of the message.
        Assert.Equal("are you there", Encoding.UTF8.GetString(pong.Value.Payload));
        Assert.Equal("""{"cmd":"PONG","message":"whole"}""", await client.ReadTextAsync());
        await AssertBystanderUnaffectedAsync(expectedOnline: 2);
    }

    [Fact]
    public async Task A_frame_announcing_a_terabyte_gets_frame_too_large_and_close_1009_once_max_payload_is_passed()
    {
        await using var client = await RawWebSocket.ConnectWelcomedAsync(_server.HttpEndPoint);

        // .NET's WebSocket does not show the announced length, so the server decides as soon as
        // more than max-payload bytes of the message arrived, holding no more than that.
        await client.SendHeaderOnlyAsync(RawWebSocket.Text, 1UL << 40);
        await client.SendRawAsync(new byte[6000]);

        var error = Json.Parse(await client.ReadTextAsync());
        Assert.Equal("frame_too_large", (string?)error["message"]!["code"]);
        Assert.Equal(1009, await client.ReadCloseCodeAsync());
        await AssertBystanderUnaffectedAsync(expectedOnline: 1);
    }

    [Fact]
    public async Task Fragments_that_add_up_past_max_payload_are_refused_like_one_large_message()
    {
        await using var client = await RawWebSocket.ConnectWelcomedAsync(_server.HttpEndPoint);

        for (var i = 0; i < 3; i++)
        {
            await client.SendFrameAsync(i == 0 ? RawWebSocket.Text : RawWebSocket.Continuation, new byte[2000], fin: false);
        }

        Assert.Equal("frame_too_large", (string?)Json.Parse(await client.ReadTextAsync())["message"]!["code"]);
        Assert.Equal(1009, await client.ReadCloseCodeAsync());
        await AssertBystanderUnaffectedAsync(expectedOnline: 1);
    }

    [Fact]
    public async Task Invalid_utf8_gets_bad_utf8_and_close_1007()
    {
        await using var client = await RawWebSocket.ConnectWelcomedAsync(_server.HttpEndPoint);

        await client.SendFrameAsync(RawWebSocket.Binary, [.. """{"cmd":"PING","message":" """u8.ToArray(), 0xC3, 0x28, .. "\"}"u8.ToArray()]);

        Assert.Equal("bad_utf8", (string?)Json.Parse(await client.ReadTextAsync())["message"]!["code"]);
        Assert.Equal(1007, await client.ReadCloseCodeAsync());
        await AssertBystanderUnaffectedAsync(expectedOnline: 1);
    }

    [Fact]
    public async Task An_unmasked_frame_is_a_protocol_violation_that_ends_only_that_connection()
    {
        await using var client = await RawWebSocket.ConnectWelcomedAsync(_server.HttpEndPoint);

        await client.SendFrameAsync(RawWebSocket.Text, """{"cmd":"PING","message":1}"""u8.ToArray(), mask: false);

        Assert.True(await client.IsClosedByServerAsync());
        await AssertBystanderUnaffectedAsync(expectedOnline: 1);
    }

    [Fact]
    public async Task Random_bytes_after_the_upgrade_end_only_that_connection()
    {
        await using var client = await RawWebSocket.ConnectWelcomedAsync(_server.HttpEndPoint);
        var noise = new byte[4096];
        new Random(20261202).NextBytes(noise);

        try
        {
            await client.SendRawAsync(noise);
        }
        catch (IOException)
        {
            // The server may reset before all the noise is written.
        }

        Assert.True(await client.IsClosedByServerAsync());
        await AssertBystanderUnaffectedAsync(expectedOnline: 1);
    }

    [Fact]
    public async Task A_connection_dropped_without_a_close_handshake_leaves_no_player_behind()
    {
        var client = await RawWebSocket.ConnectWelcomedAsync(_server.HttpEndPoint);
        await client.SendFrameAsync(RawWebSocket.Text, """{"cmd":"JOIN","message":{"room":"lobby"}}"""u8.ToArray(), fin: false); // Half a message.

        client.Reset();

        await AssertBystanderUnaffectedAsync(expectedOnline: 1);
    }

    [Fact]
    public async Task A_client_close_is_answered_with_a_close_and_the_player_is_gone()
    {
        await using var client = await RawWebSocket.ConnectWelcomedAsync(_server.HttpEndPoint);

        await client.SendFrameAsync(RawWebSocket.Close, [0x03, 0xE8]); // 1000, normal closure.

        Assert.Equal(1000, await client.ReadCloseCodeAsync());
        await AssertBystanderUnaffectedAsync(expectedOnline: 1);
    }

    /// <summary>The TCP player still gets its PONG, and the server holds exactly the players it should.</summary>
    private async Task AssertBystanderUnaffectedAsync(int expectedOnline)
    {
        await _bystander.SendJsonAsync("""{"cmd":"PING","message":"still here"}""");
        Assert.Equal("""{"cmd":"PONG","message":"still here"}""", await _bystander.ReadFrameTextAsync());
        await _server.WaitForOnlineCountAsync(expectedOnline);
    }
}
