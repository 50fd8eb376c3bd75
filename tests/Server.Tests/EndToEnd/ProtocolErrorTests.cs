using System.Text;
using ActorGameServer.Server.Tests.Support;

namespace ActorGameServer.Server.Tests.EndToEnd;

/// <summary>Hostile or broken frames: the sender gets a clear ERROR and is closed; nobody else notices.</summary>
public sealed class ProtocolErrorTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public static TheoryData<string, byte[]> FatalFrames() => new()
    {
        { "frame_too_large", WireClient.LengthPrefix(5001) },
        { "frame_too_large", WireClient.LengthPrefix(uint.MaxValue) },
        { "bad_json", WireClient.LengthPrefix(0) },
        { "bad_utf8", WireClient.Frame([(byte)'{', (byte)'"', 0xC3, 0x28, (byte)'"', (byte)':', (byte)'1', (byte)'}']) },
        { "bad_json", Utf8Frame("{\"cmd\":\"PING\"") },
        { "bad_json", Utf8Frame("{\"cmd\":\"PING\"} trailing") },
        { "bad_json", Utf8Frame("{\"cmd\":\"PING\",\"message\":" + new string('[', 40) + new string(']', 40) + "}") },
        { "bad_envelope", Utf8Frame("[1,2,3]") },
        { "bad_envelope", Utf8Frame("\"PING\"") },
        { "bad_envelope", Utf8Frame("{\"message\":1}") },
        { "bad_envelope", Utf8Frame("{\"cmd\":42}") },
    };

    [Theory]
    [MemberData(nameof(FatalFrames))]
    public async Task A_hostile_frame_gets_an_error_then_the_connection_is_closed(string code, byte[] frame)
    {
        var (bystander, _) = await WireClient.ConnectWelcomedAsync(_server.EndPoint);
        var (attacker, _) = await WireClient.ConnectWelcomedAsync(_server.EndPoint);
        await using (bystander)
        await using (attacker)
        {
            await attacker.SendRawAsync(frame);

            var error = await attacker.ReadFrameAsync();
            Assert.Equal("ERROR", (string?)error["cmd"]);
            Assert.Equal(code, (string?)error["message"]!["code"]);
            Assert.False(string.IsNullOrWhiteSpace((string?)error["message"]!["detail"]));
            Assert.True(await attacker.IsClosedByServerAsync(), "the server must close the connection after the error");

            // The player next to the attacker saw nothing and is still served.
            await bystander.SendJsonAsync("""{"cmd":"PING","message":"still here"}""");
            Assert.Equal("""{"cmd":"PONG","message":"still here"}""", await bystander.ReadFrameTextAsync());
        }

        // And the server keeps accepting.
        var (newcomer, _) = await WireClient.ConnectWelcomedAsync(_server.EndPoint);
        await using (newcomer)
        {
            await newcomer.SendJsonAsync("""{"cmd":"PING","message":1}""");
            Assert.Equal("""{"cmd":"PONG","message":1}""", await newcomer.ReadFrameTextAsync());
        }
    }

    [Fact]
    public async Task Frame_too_large_is_decided_from_the_header_without_waiting_for_the_payload()
    {
        var (client, _) = await WireClient.ConnectWelcomedAsync(_server.EndPoint);
        await using var _ = client;

        // Only the 4 header bytes are sent: the error must come without the announced megabyte.
        await client.SendRawAsync(WireClient.LengthPrefix(1_000_000));

        var error = await client.ReadFrameAsync();
        Assert.Equal("frame_too_large", (string?)error["message"]!["code"]);
        Assert.True(await client.IsClosedByServerAsync());
    }

    [Theory]
    [MemberData(nameof(WireClients.Transports), MemberType = typeof(WireClients))]
    public async Task An_unknown_command_is_answered_with_an_error_and_the_connection_stays_open(string transport)
    {
        var (client, _) = await _server.ConnectWelcomedAsync(transport);
        await using var _ = client;

        await client.SendJsonAsync("""{"cmd":"TELEPORT","message":{"x":1},"id":"req-9"}""");
        var error = await client.ReadFrameAsync();
        Assert.Equal("ERROR", (string?)error["cmd"]);
        Assert.Equal("unknown_cmd", (string?)error["message"]!["code"]);
        Assert.Contains("TELEPORT", (string?)error["message"]!["detail"]);
        Assert.Equal("req-9", (string?)error["id"]);

        await client.SendJsonAsync("""{"cmd":"PING","message":2}""");
        Assert.Equal("""{"cmd":"PONG","message":2}""", await client.ReadFrameTextAsync());
    }

    [Fact]
    public async Task Frames_after_a_hostile_one_in_the_same_write_are_not_answered()
    {
        var (client, _) = await WireClient.ConnectWelcomedAsync(_server.EndPoint);
        await using var _ = client;

        await client.SendRawAsync([.. Utf8Frame("[]"), .. Utf8Frame("{\"cmd\":\"PING\",\"message\":1}")]);

        Assert.Equal("bad_envelope", (string?)(await client.ReadFrameAsync())["message"]!["code"]);
        Assert.True(await client.IsClosedByServerAsync());
    }

    [Theory]
    [MemberData(nameof(WireClients.Transports), MemberType = typeof(WireClients))]
    public async Task The_maximum_payload_itself_is_accepted(string transport)
    {
        var (client, _) = await _server.ConnectWelcomedAsync(transport);
        await using var _ = client;
        var prefix = "{\"cmd\":\"PING\",\"message\":\"";
        var padding = new string('x', 5000 - prefix.Length - 2);
        var json = prefix + padding + "\"}";
        Assert.Equal(5000, Encoding.UTF8.GetByteCount(json));

        await client.SendJsonAsync(json);

        var pong = await client.ReadFrameAsync();
        Assert.Equal(padding, (string?)pong["message"]);
    }

    [Fact]
    public async Task Disconnects_of_every_kind_bring_the_online_count_back_to_zero()
    {
        var (clean, _) = await WireClient.ConnectWelcomedAsync(_server.EndPoint);
        var (reset, _) = await WireClient.ConnectWelcomedAsync(_server.EndPoint);
        var (halfFrame, _) = await WireClient.ConnectWelcomedAsync(_server.EndPoint);
        await _server.WaitForOnlineCountAsync(3);

        await clean.DisposeAsync();
        reset.Reset();
        await halfFrame.SendRawAsync(WireClient.LengthPrefix(100)); // Promises 100 bytes, then leaves.
        await halfFrame.DisposeAsync();

        await _server.WaitForOnlineCountAsync(0);
    }

    private static byte[] Utf8Frame(string json) => WireClient.Frame(Encoding.UTF8.GetBytes(json));
}
