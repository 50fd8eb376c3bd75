using ActorGameServer.Client;
using ActorGameServer.Server.Tests.Support;

namespace ActorGameServer.Server.Tests.WebSockets;

/// <summary>
/// Players and rooms through <see cref="GameClient"/> over WebSocket, and mixed with TCP players:
/// a room does not care how its members are connected.
/// </summary>
public sealed class WebSocketRoomTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await TestServer.StartAsync("game-server.rooms { max-members = 3, max-rooms-per-client = 2, max-rooms = 4 }");

    public async Task DisposeAsync() => await _server.DisposeAsync();

    /// <summary>What the room tests relay: a naive server or client would mangle each of these.</summary>
    private static string Data(int seq) =>
        $$$"""{"seq":{{{seq}}},"big":9007199254740993,"text":"Grüße, 世界 🎮 \"q\" \u00e9\n","exact":1.50,"nested":{"list":[-0.0,1e400,null]}}""";

    private static IEnumerable<long> Members(ServerFrame frame) =>
        frame.Message.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("user_id").GetInt64());

    [Theory]
    [InlineData("ws", "tcp")]
    [InlineData("tcp", "ws")]
    [InlineData("ws", "ws")]
    public async Task Two_players_see_each_others_presence_relays_and_directs_exactly_once_in_order(string first, string second)
    {
        const int count = 50;
        await using var ada = await _server.ConnectPlayerAsync(first, "Ada");
        await using var bo = await _server.ConnectPlayerAsync(second, "Bo");

        Assert.Equal([ada.UserId], Members(await ada.JoinAsync("mixed").Soon()));
        Assert.Equal([ada.UserId, bo.UserId], Members(await bo.JoinAsync("mixed").Soon()));
        Assert.Equal(
            Players.Canon("PRESENCE", $$$"""{"room":"mixed","joined":{"user_id":{{{bo.UserId}}},"name":"Bo"}}"""),
            Players.Canon(await ada.NextAsync()));
        await ada.AssertNothingPendingFromRoomAsync("mixed");

        // Both relay at once, and each directs the other once. Relays keep their order per sender;
        // a DIRECT takes another path through the server, so where it lands among them is open.
        var sending = new[] { ada, bo }.Select(async player =>
        {
            for (var seq = 0; seq < count; seq++)
            {
                await player.RelayAsync("mixed", Data(seq));
            }

            await player.DirectAsync(player == ada ? bo.UserId : ada.UserId, "\"psst\"");
        }).ToArray();
        foreach (var (reader, sender) in new[] { (ada, bo), (bo, ada) })
        {
            var relays = new List<ServerFrame>();
            var directs = new List<ServerFrame>();
            while (relays.Count < count || directs.Count < 1)
            {
                var frame = await reader.NextAsync();
                (frame.Cmd == "DIRECT" ? directs : relays).Add(frame);
            }

            Assert.Equal(
                Enumerable.Range(0, count).Select(seq => Players.Canon("RELAY", $$$"""{"room":"mixed","from":{{{sender.UserId}}},"data":{{{Data(seq)}}}}""")),
                relays.Select(Players.Canon));
            Assert.Equal(Enumerable.Range(0, count).Select(Data), relays.Select(r => r.Message.GetProperty("data").GetRawText())); // Byte for byte.
            Assert.All(relays, relay => Assert.Null(relay.Id));
            Assert.Equal(Players.Canon("DIRECT", $$"""{"from":{{sender.UserId}},"data":"psst"}"""), Players.Canon(Assert.Single(directs)));
        }

        await Task.WhenAll(sending);
        // Nothing twice: sentinels along the room's path and the registry's.
        foreach (var (player, other) in new[] { (ada, bo), (bo, ada) })
        {
            await player.AssertNothingPendingFromRoomAsync("mixed");
            await player.AssertNothingPendingFromDirectsAsync(other);
            await player.AssertNothingPendingAsync();
        }

        // WHO and ROOMS agree, whoever asks; LEAVE tells the other.
        Assert.Equal([ada.UserId, bo.UserId], Members(await bo.WhoAsync("mixed").Soon()));
        var rooms = await ada.RoomsAsync().Soon();
        Assert.Equal(Players.Canon("ROOMS", """{"rooms":[{"room":"mixed","members":2}]}"""), Players.Canon(rooms));
        Assert.Equal(Players.Canon("LEFT", """{"room":"mixed"}"""), Players.Canon(await bo.LeaveAsync("mixed").Soon()));
        Assert.Equal(
            Players.Canon("PRESENCE", $$$$"""{"room":"mixed","left":{"user_id":{{{{bo.UserId}}}}}}"""),
            Players.Canon(await ada.NextAsync()));
        await ada.AssertNothingPendingFromRoomAsync("mixed");
    }

    [Theory]
    [InlineData("ws")]
    [InlineData("tcp")]
    public async Task A_websocket_player_who_disconnects_leaves_its_rooms_like_a_tcp_one(string otherTransport)
    {
        await using var stays = await _server.ConnectPlayerAsync(otherTransport, "stays");
        var goes = await _server.ConnectWebSocketPlayerAsync("goes");
        var goesId = goes.UserId;
        await stays.JoinAsync("door").Soon();
        await goes.JoinAsync("door").Soon();
        Assert.Equal("PRESENCE", (await stays.NextAsync()).Cmd); // goes joined

        await goes.DisposeAsync();

        Assert.Equal(Players.Canon("PRESENCE", $$$$"""{"room":"door","left":{"user_id":{{{{goesId}}}}}}"""), Players.Canon(await stays.NextAsync()));
        await _server.WaitForOnlineCountAsync(1);
    }

    [Fact]
    public async Task Every_request_error_carries_its_id_and_leaves_the_connection_open()
    {
        var players = new List<GameClient>();
        try
        {
            for (var i = 0; i < 4; i++)
            {
                players.Add(await _server.ConnectWebSocketPlayerAsync($"p{i}"));
            }

            var me = players[0];
            await me.HelloAsync("   ").ExpectErrorAsync("bad_name");
            await me.JoinAsync("no spaces allowed").ExpectErrorAsync("bad_room");
            await me.RequestAsync("JOIN", """{"room":7}""").ExpectErrorAsync("bad_request");
            await me.RequestAsync("DIRECT", """{"to":"2","data":1}""").ExpectErrorAsync("bad_request");
            await me.RequestAsync("DIRECT", """{"to":999999,"data":1}""").ExpectErrorAsync("no_such_user");
            await me.LeaveAsync("nowhere").ExpectErrorAsync("not_in_room");
            await me.RequestAsync("RELAY", """{"room":"nowhere","data":1}""").ExpectErrorAsync("not_in_room");
            await me.RequestAsync("TELEPORT", "{}").ExpectErrorAsync("unknown_cmd");

            await me.JoinAsync("a").Soon();
            await me.JoinAsync("a").ExpectErrorAsync("already_in_room");
            await me.HelloAsync("renamed").ExpectErrorAsync("bad_request"); // Not while in a room.
            await me.JoinAsync("b").Soon();
            await me.JoinAsync("c").ExpectErrorAsync("too_many_rooms"); // max-rooms-per-client = 2

            await players[1].JoinAsync("b").Soon();
            await players[2].JoinAsync("b").Soon();
            await players[3].JoinAsync("b").ExpectErrorAsync("room_full"); // max-members = 3

            // Nothing of the refused requests reached anyone; the errors ended nothing.
            foreach (var player in players)
            {
                await player.AssertStillServedAsync();
            }

            var joined = new[] { await me.NextAsync(), await me.NextAsync() };
            Assert.Equal(
                [players[1].UserId, players[2].UserId],
                joined.Select(p => p.Message.GetProperty("joined").GetProperty("user_id").GetInt64()));
            Assert.Equal(players[2].UserId, (await players[1].NextAsync()).Message.GetProperty("joined").GetProperty("user_id").GetInt64());
            foreach (var member in players[..3])
            {
                await member.AssertNothingPendingFromRoomAsync("b"); // The refused JOIN told nobody.
            }

            await players[3].AssertNothingPendingAsync();
        }
        finally
        {
            foreach (var player in players)
            {
                await player.DisposeAsync();
            }
        }
    }
}
