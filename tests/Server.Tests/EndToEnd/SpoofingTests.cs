using ActorGameServer.Client;
using ActorGameServer.Server.Tests.Support;

namespace ActorGameServer.Server.Tests.EndToEnd;

/// <summary>
/// Claims of another identity, written by hand on the wire: whatever a client puts in its frame,
/// <c>from</c> is its server-assigned user id, and its own "from" stays inside <c>data</c>.
/// </summary>
public sealed class SpoofingTests : IAsyncLifetime
{
    private const string SpoofedData = """{"from":999,"user_id":999,"room":"elsewhere","x":1}""";

    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static void AssertFromRealSender(ServerFrame frame, string cmd, long senderId)
    {
        Assert.Equal(cmd, frame.Cmd);
        Assert.Equal(senderId, frame.Message.GetProperty("from").GetInt64());
        Assert.Equal(SpoofedData, frame.Message.GetProperty("data").GetRawText());
        Assert.Equal(1, frame.Message.EnumerateObject().Count(p => p.Name == "from"));
    }

    [Fact]
    public async Task Relay_and_direct_carry_the_real_sender_whatever_the_frame_claims()
    {
        await using var victim = await _server.ConnectPlayerAsync("victim");
        await using var impersonated = await _server.ConnectPlayerAsync("impersonated");
        await victim.JoinAsync("spoof").Soon();
        await impersonated.JoinAsync("spoof").Soon();
        var (spoofer, welcome) = await WireClient.ConnectWelcomedAsync(_server.EndPoint);
        var spooferId = (long)welcome["user_id"]!;
        await using var _ = spoofer;
        await spoofer.SendJsonAsync($$"""{"cmd":"JOIN","from":{{impersonated.UserId}},"message":{"room":"spoof","user_id":{{impersonated.UserId}}},"id":1}""");
        var joined = await spoofer.ReadFrameAsync();
        Assert.Equal("JOINED", (string?)joined["cmd"]);
        await victim.DrainAsync();
        await impersonated.DrainAsync();

        string[] frames =
        [
            $$$"""{"cmd":"RELAY","message":{"room":"spoof","data":{{{SpoofedData}}}}}""",
            $$$"""{"from":{{{impersonated.UserId}}},"user_id":{{{impersonated.UserId}}},"cmd":"RELAY","message":{"room":"spoof","data":{{{SpoofedData}}}}}""",
            $$"""{"cmd":"RELAY","message":{"from":{{impersonated.UserId}},"user_id":{{impersonated.UserId}},"room":"spoof","data":{{SpoofedData}}},"from":{{impersonated.UserId}}}""",
            $$$"""{"cmd":"DIRECT","message":{"to":{{{victim.UserId}}},"data":{{{SpoofedData}}}}}""",
            $$$"""{"cmd":"DIRECT","from":{{{impersonated.UserId}}},"user_id":{{{impersonated.UserId}}},"message":{"to":{{{victim.UserId}}},"data":{{{SpoofedData}}}}}""",
            $$"""{"cmd":"DIRECT","message":{"from":{{impersonated.UserId}},"to":{{victim.UserId}},"data":{{SpoofedData}}},"user_id":{{impersonated.UserId}}}""",
        ];
        foreach (var frame in frames)
        {
            await spoofer.SendJsonAsync(frame);
        }

        // RELAY goes through the room and DIRECT does not, so only each kind keeps its order.
        var atVictim = new List<ServerFrame>();
        for (var i = 0; i < frames.Length; i++)
        {
            atVictim.Add(await victim.NextAsync());
        }

        Assert.Equal(3, atVictim.Count(f => f.Cmd == "RELAY"));
        Assert.Equal(3, atVictim.Count(f => f.Cmd == "DIRECT"));
        Assert.All(atVictim, f => AssertFromRealSender(f, f.Cmd, spooferId));

        for (var i = 0; i < 3; i++)
        {
            AssertFromRealSender(await impersonated.NextAsync(), "RELAY", spooferId);
        }

        await victim.AssertNothingPendingFromRoomAsync("spoof");
        await impersonated.AssertNothingPendingFromRoomAsync("spoof");
        await victim.AssertNothingPendingFromDirectsAsync(impersonated);
        await impersonated.AssertNothingPendingFromDirectsAsync(victim);
        // Nor does the spoofer get anything back: its next frame is the answer to its PING.
        await spoofer.SendJsonAsync("""{"cmd":"PING","message":"done"}""");
        Assert.Equal("""{"cmd":"PONG","message":"done"}""", await spoofer.ReadFrameTextAsync());
    }

    [Fact]
    public async Task Hello_and_join_cannot_claim_another_user_id()
    {
        await using var member = await _server.ConnectPlayerAsync("member");
        await member.JoinAsync("claims").Soon();
        var (spoofer, welcome) = await WireClient.ConnectWelcomedAsync(_server.EndPoint);
        var spooferId = (long)welcome["user_id"]!;
        await using var _ = spoofer;

        await spoofer.SendJsonAsync($$$"""{"cmd":"HELLO","user_id":{{{member.UserId}}},"message":{"name":"Mallory","user_id":{{{member.UserId}}}}}""");
        var ok = await spoofer.ReadFrameAsync();
        Assert.Equal("HELLO_OK", (string?)ok["cmd"]);
        Assert.Equal(spooferId, (long)ok["message"]!["user_id"]!);

        await spoofer.SendJsonAsync($$$"""{"cmd":"JOIN","user_id":{{{member.UserId}}},"message":{"room":"claims","user_id":{{{member.UserId}}}}}""");
        var joined = await spoofer.ReadFrameAsync();
        Assert.Equal("JOINED", (string?)joined["cmd"]);
        Assert.Equal([member.UserId, spooferId], joined["message"]!["members"]!.Select(m => (long)m["user_id"]!));

        var presence = await member.NextAsync();
        Assert.Equal(
            Players.Canon("PRESENCE", $$$"""{"room":"claims","joined":{"user_id":{{{spooferId}}},"name":"Mallory"}}"""),
            Players.Canon(presence));
    }
}
