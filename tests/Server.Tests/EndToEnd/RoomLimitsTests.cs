using ActorGameServer.Client;
using ActorGameServer.Server.Tests.Support;

namespace ActorGameServer.Server.Tests.EndToEnd;

/// <summary>
/// Room limits and room errors: each is answered with its code and the request's id, changes
/// nothing anyone else can see, and leaves the connection open.
/// </summary>
public sealed class RoomLimitsTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await TestServer.StartAsync("game-server.rooms { max-members = 3, max-rooms-per-client = 2, max-rooms = 4 }");

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<GameClient[]> ConnectAsync(int count)
    {
        var players = new GameClient[count];
        for (var i = 0; i < count; i++)
        {
            players[i] = await _server.ConnectPlayerAsync($"p{i}");
        }

        return players;
    }

    private static async Task DisposeAllAsync(IEnumerable<GameClient> players)
    {
        foreach (var player in players)
        {
            await player.DisposeAsync();
        }
    }

    private static IEnumerable<long> Members(ServerFrame frame) =>
        frame.Message.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("user_id").GetInt64());

    [Fact]
    public async Task A_join_beyond_max_members_gets_room_full_and_the_members_notice_nothing()
    {
        var players = await ConnectAsync(4);
        try
        {
            foreach (var member in players[..3])
            {
                await member.JoinAsync("small").Soon();
            }

            foreach (var member in players[..3])
            {
                await member.DrainAsync();
            }

            await players[3].JoinAsync("small").ExpectErrorAsync("room_full");

            await players[3].AssertStillServedAsync();
            await players[3].RequestAsync("RELAY", """{"room":"small","data":1}""").ExpectErrorAsync("not_in_room");
            await players[3].RelayAsync("small", "\"sneaking in\""); // No id: the error comes as a frame without one.
            var error = Assert.Single(await players[3].DrainAsync());
            Assert.Equal("ERROR", error.Cmd);
            Assert.Null(error.Id);
            Assert.Equal("not_in_room", error.Message.GetProperty("code").GetString());
            foreach (var member in players[..3])
            {
                await member.AssertNothingPendingFromRoomAsync("small");
            }

            Assert.Equal(players[..3].Select(p => p.UserId), Members(await players[3].WhoAsync("small").Soon()));

            // A place frees up: now the same player gets in.
            await players[0].LeaveAsync("small").Soon();
            Assert.Equal(players[1..].Select(p => p.UserId), Members(await players[3].JoinAsync("small").Soon()));
        }
        finally
        {
            await DisposeAllAsync(players);
        }
    }

    [Fact]
    public async Task A_join_beyond_max_rooms_per_client_gets_too_many_rooms_until_the_player_leaves_one()
    {
        var players = await ConnectAsync(2);
        var (player, other) = (players[0], players[1]);
        try
        {
            await other.JoinAsync("third").Soon(); // The refused room exists: it is the player's limit that counts.
            await player.JoinAsync("first").Soon();
            await player.JoinAsync("second").Soon();

            await player.JoinAsync("third").ExpectErrorAsync("too_many_rooms");

            await player.AssertStillServedAsync();
            // The player's WHO follows the refused JOIN to the room; once answered, the room
            // has handled anything the JOIN could have caused there, and told the other nothing.
            Assert.Equal([other.UserId], Members(await player.WhoAsync("third").Soon()));
            await other.AssertNothingPendingFromRoomAsync("third");

            await player.LeaveAsync("first").Soon();
            Assert.Equal([player.UserId, other.UserId], Members(await player.JoinAsync("third").Soon())); // By user_id.
        }
        finally
        {
            await DisposeAllAsync(players);
        }
    }

    [Fact]
    public async Task Creating_a_room_beyond_max_rooms_gets_too_many_rooms_but_joining_an_existing_one_works()
    {
        var players = await ConnectAsync(3);
        try
        {
            await players[0].JoinAsync("r1").Soon();
            await players[0].JoinAsync("r2").Soon();
            await players[1].JoinAsync("r3").Soon();
            await players[1].JoinAsync("r4").Soon();

            await players[2].JoinAsync("r5").ExpectErrorAsync("too_many_rooms");

            await players[2].AssertStillServedAsync();
            await players[2].JoinAsync("r1").Soon();
            Assert.DoesNotContain("r5", Players.Canon(await players[2].RoomsAsync().Soon()), StringComparison.Ordinal);

            // When its last member leaves, a room stops counting at once.
            await players[1].LeaveAsync("r3").Soon();
            await players[2].JoinAsync("r5").Soon();
        }
        finally
        {
            await DisposeAllAsync(players);
        }
    }

    [Theory]
    [InlineData("JOIN")]
    [InlineData("LEAVE")]
    [InlineData("WHO")]
    [InlineData("RELAY")]
    public async Task A_bad_room_name_gets_bad_room(string cmd)
    {
        await using var player = await _server.ConnectPlayerAsync();
        string[] badNames = ["", new string('r', 65), "has space", "slash/", "ünï", "emoji🎮", "tab\t", "quote\"", "semi;colon"];

        foreach (var room in badNames)
        {
            var message = $$"""{"room":{{System.Text.Json.JsonSerializer.Serialize(room)}},"data":1}""";
            await player.RequestAsync(cmd, message).ExpectErrorAsync("bad_room");
        }

        await player.RequestAsync(cmd, """{"data":1}""").ExpectErrorAsync("bad_request");
        await player.RequestAsync(cmd, """{"room":7}""").ExpectErrorAsync("bad_request");
        await player.AssertStillServedAsync();
        Assert.Equal(Players.Canon("ROOMS", """{"rooms":[]}"""), Players.Canon(await player.RoomsAsync().Soon()));
    }

    [Fact]
    public async Task Room_names_of_64_allowed_characters_are_fine()
    {
        await using var player = await _server.ConnectPlayerAsync();
        var longest = "AZaz09_.:-" + new string('x', 54);

        Assert.Equal(longest, (await player.JoinAsync(longest).Soon()).Message.GetProperty("room").GetString());
        Assert.Equal(Players.Canon("ROOMS", $$"""{"rooms":[{"room":"{{longest}}","members":1}]}"""), Players.Canon(await player.RoomsAsync().Soon()));
    }

    [Fact]
    public async Task Joining_twice_gets_already_in_room_and_the_player_stays_in_once()
    {
        var players = await ConnectAsync(2);
        var (player, other) = (players[0], players[1]);
        try
        {
            await other.JoinAsync("twice").Soon();
            await player.JoinAsync("twice").Soon();
            await other.DrainAsync();

            await player.JoinAsync("twice").ExpectErrorAsync("already_in_room");
            // Also while the first JOIN is still on its way.
            var first = player.JoinAsync("pipelined");
            await player.JoinAsync("pipelined").ExpectErrorAsync("already_in_room");
            await first.Soon();

            await player.AssertStillServedAsync();
            // As above: the player's WHO follows its refused JOINs to the room, then the other's.
            Assert.Equal([player.UserId, other.UserId], Members(await player.WhoAsync("twice").Soon()));
            await other.AssertNothingPendingFromRoomAsync("twice");
        }
        finally
        {
            await DisposeAllAsync(players);
        }
    }

    [Fact]
    public async Task Leave_or_relay_without_membership_gets_not_in_room_and_reaches_nobody()
    {
        var players = await ConnectAsync(2);
        var (player, member) = (players[0], players[1]);
        try
        {
            await member.JoinAsync("members-only").Soon();

            await player.LeaveAsync("members-only").ExpectErrorAsync("not_in_room");
            await player.LeaveAsync("nowhere").ExpectErrorAsync("not_in_room");
            await player.RequestAsync("RELAY", """{"room":"members-only","data":"psst"}""").ExpectErrorAsync("not_in_room");
            await player.RequestAsync("RELAY", """{"room":"nowhere","data":"psst"}""").ExpectErrorAsync("not_in_room");

            // After leaving, the same holds.
            await player.JoinAsync("members-only").Soon();
            await player.LeaveAsync("members-only").Soon();
            Assert.Equal("PRESENCE", (await member.NextAsync()).Cmd); // joined
            Assert.Equal("PRESENCE", (await member.NextAsync()).Cmd); // left (told after the LEFT reply)
            await player.LeaveAsync("members-only").ExpectErrorAsync("not_in_room");
            await player.RequestAsync("RELAY", """{"room":"members-only","data":"late"}""").ExpectErrorAsync("not_in_room");

            await player.AssertStillServedAsync();
            await player.AssertNothingPendingFromRoomAsync("members-only");
            await member.AssertNothingPendingFromRoomAsync("members-only");
        }
        finally
        {
            await DisposeAllAsync(players);
        }
    }

    [Fact]
    public async Task Errors_echo_any_kind_of_request_id_and_the_connection_stays_open()
    {
        await using var bystander = await _server.ConnectPlayerAsync();
        var (client, _) = await WireClient.ConnectWelcomedAsync(_server.EndPoint);
        await using var _ = client;
        (string Frame, string Code)[] requests =
        [
            ("""{"cmd":"JOIN","message":{"room":"bad room"},"id":{"req":[1,"a"]}}""", "bad_room"),
            ("""{"cmd":"LEAVE","message":{"room":"nowhere"},"id":"leave-1"}""", "not_in_room"),
            ("""{"cmd":"RELAY","message":{"room":"nowhere","data":1},"id":9007199254740993}""", "not_in_room"),
            ($$"""{"cmd":"DIRECT","message":{"to":{{bystander.UserId + 1000}},"data":1},"id":[null]}""", "no_such_user"),
            ("""{"cmd":"DIRECT","message":{"to":"1","data":1},"id":1.50}""", "bad_request"),
            ("""{"cmd":"HELLO","message":{"name":""},"id":false}""", "bad_name"),
            ("""{"cmd":"FLY","message":{},"id":"up"}""", "unknown_cmd"),
        ];

        foreach (var (frame, code) in requests)
        {
            await client.SendJsonAsync(frame);
            var error = await client.ReadFrameAsync();
            Assert.Equal("ERROR", (string?)error["cmd"]);
            Assert.Equal(code, (string?)error["message"]!["code"]);
            Assert.True(Newtonsoft.Json.Linq.JToken.DeepEquals(Json.Parse(frame)["id"], error["id"]), $"id not echoed for {frame}: {error}");
        }

        await client.SendJsonAsync("""{"cmd":"PING","message":"open","id":1}""");
        Assert.Equal("""{"cmd":"PONG","message":"open","id":1}""", await client.ReadFrameTextAsync());
        // Nothing reached the bystander: the registry delivers a DIRECT sent to it now first.
        await client.SendJsonAsync($$$"""{"cmd":"DIRECT","message":{"to":{{{bystander.UserId}}},"data":"sentinel"}}""");
        var next = await bystander.NextAsync();
        Assert.Equal("DIRECT sentinel", $"{next.Cmd} {next.Message.GetProperty("data").GetString()}");
    }

    [Fact]
    public async Task After_every_player_has_gone_the_server_holds_no_one_and_no_room()
    {
        var players = await ConnectAsync(6);
        for (var i = 0; i < players.Length; i++)
        {
            await players[i].JoinAsync($"r{i % 3}").Soon();
        }

        await DisposeAllAsync(players);

        await _server.WaitForOnlineCountAsync(0);
        await using var last = await _server.ConnectPlayerAsync();
        var deadline = DateTime.UtcNow + WireClient.DefaultTimeout;
        string rooms;
        while ((rooms = Players.Canon(await last.RoomsAsync().Soon())) != Players.Canon("ROOMS", """{"rooms":[]}""") && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Equal(Players.Canon("ROOMS", """{"rooms":[]}"""), rooms);
    }
}
