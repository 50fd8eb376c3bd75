using ActorGameServer.Client;
using ActorGameServer.Server.Tests.Support;

namespace ActorGameServer.Server.Tests.EndToEnd;

/// <summary>JOINED, PRESENCE, LEFT, WHO and ROOMS as members come, go, and drop off.</summary>
public sealed class PresenceTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static string Member(GameClient player, string name) => $$"""{"user_id":{{player.UserId}},"name":"{{name}}"}""";

    private static string Joined(string room, GameClient player, string name) =>
        Players.Canon("PRESENCE", $$"""{"room":"{{room}}","joined":{{Member(player, name)}}}""");

    private static string Left(string room, GameClient player) =>
        Players.Canon("PRESENCE", $$$"""{"room":"{{{room}}}","left":{"user_id":{{{player.UserId}}}}}""");

    [Fact]
    public async Task Joined_lists_everyone_with_their_hello_names_and_each_other_member_is_told_once()
    {
        await using var ada = await _server.ConnectPlayerAsync("Ada");
        await using var bo = await _server.ConnectPlayerAsync("  Bo\t ");
        await using var anonymous = await _server.ConnectPlayerAsync();
        var anonymousName = $"player-{anonymous.UserId}";

        Assert.Equal(Players.Canon("JOINED", $$"""{"room":"lobby","members":[{{Member(ada, "Ada")}}]}"""), Players.Canon(await ada.JoinAsync("lobby").Soon()));
        Assert.Equal(
            Players.Canon("JOINED", $$"""{"room":"lobby","members":[{{Member(ada, "Ada")}},{{Member(bo, "Bo")}}]}"""),
            Players.Canon(await bo.JoinAsync("lobby").Soon()));
        Assert.Equal(
            Players.Canon("JOINED", $$"""{"room":"lobby","members":[{{Member(ada, "Ada")}},{{Member(bo, "Bo")}},{{Member(anonymous, anonymousName)}}]}"""),
            Players.Canon(await anonymous.JoinAsync("lobby").Soon()));

        Assert.Equal([Joined("lobby", bo, "Bo"), Joined("lobby", anonymous, anonymousName)], (await ada.DrainAsync()).Select(Players.Canon));
        Assert.Equal([Joined("lobby", anonymous, anonymousName)], (await bo.DrainAsync()).Select(Players.Canon));
        await anonymous.AssertNothingPendingFromRoomAsync("lobby"); // No PRESENCE about itself.

        var who = await bo.WhoAsync("lobby").Soon();
        Assert.Equal(
            Players.Canon("WHO", $$"""{"room":"lobby","members":[{{Member(ada, "Ada")}},{{Member(bo, "Bo")}},{{Member(anonymous, anonymousName)}}]}"""),
            Players.Canon(who));
    }

    [Fact]
    public async Task Leave_answers_left_tells_the_others_and_the_emptied_room_disappears_from_rooms()
    {
        await using var a = await _server.ConnectPlayerAsync("a");
        await using var b = await _server.ConnectPlayerAsync("b");
        await using var c = await _server.ConnectPlayerAsync("c");
        await using var outsider = await _server.ConnectPlayerAsync("outsider");
        foreach (var player in new[] { a, b, c })
        {
            await player.JoinAsync("hall").Soon();
        }

        await outsider.JoinAsync("elsewhere").Soon();
        await a.DrainAsync();
        await b.DrainAsync();

        Assert.Equal(Players.Canon("LEFT", """{"room":"hall"}"""), Players.Canon(await b.LeaveAsync("hall").Soon()));

        // The others are told after b's reply, so wait for it rather than drain at once.
        Assert.Equal(Left("hall", b), Players.Canon(await a.NextAsync()));
        Assert.Equal(Left("hall", b), Players.Canon(await c.NextAsync()));
        foreach (var player in new[] { a, c, b, outsider })
        {
            await player.AssertNothingPendingFromRoomAsync("hall"); // Told once, and only the members.
        }
        Assert.Equal(
            Players.Canon("WHO", $$"""{"room":"hall","members":[{{Member(a, "a")}},{{Member(c, "c")}}]}"""),
            Players.Canon(await b.WhoAsync("hall").Soon()));
        Assert.Equal(
            Players.Canon("ROOMS", """{"rooms":[{"room":"elsewhere","members":1},{"room":"hall","members":2}]}"""),
            Players.Canon(await outsider.RoomsAsync().Soon()));

        await a.LeaveAsync("hall").Soon();
        await c.LeaveAsync("hall").Soon();

        // The last member got LEFT: the room is gone for everyone, and nobody is in it.
        Assert.Equal(Players.Canon("ROOMS", """{"rooms":[{"room":"elsewhere","members":1}]}"""), Players.Canon(await c.RoomsAsync().Soon()));
        Assert.Equal(Players.Canon("WHO", """{"room":"hall","members":[]}"""), Players.Canon(await outsider.WhoAsync("hall").Soon()));
        Assert.Equal([Left("hall", a)], (await c.DrainAsync()).Select(Players.Canon));
    }

    [Fact]
    public async Task A_closed_connection_leaves_every_room_it_was_in_with_presence_left_to_each_other_member()
    {
        await using var both = await _server.ConnectPlayerAsync("both");
        await using var inX = await _server.ConnectPlayerAsync("x");
        await using var inY = await _server.ConnectPlayerAsync("y");
        var leaver = await _server.ConnectPlayerAsync("leaver");
        await using (leaver)
        {
            await leaver.JoinAsync("room-x").Soon();
            await leaver.JoinAsync("room-y").Soon();
            await leaver.JoinAsync("room-alone").Soon();
            await both.JoinAsync("room-x").Soon();
            await both.JoinAsync("room-y").Soon();
            await inX.JoinAsync("room-x").Soon();
            await inY.JoinAsync("room-y").Soon();
            await both.DrainAsync();
            await inX.DrainAsync();
        }

        await AssertLeftEverywhereAsync(leaver.UserId, both, inX, inY);
        Assert.Equal(
            Players.Canon("WHO", $$"""{"room":"room-x","members":[{{Member(both, "both")}},{{Member(inX, "x")}}]}"""),
            Players.Canon(await inY.WhoAsync("room-x").Soon()));
    }

    [Fact]
    public async Task A_reset_connection_leaves_every_room_it_was_in_with_presence_left_to_each_other_member()
    {
        await using var both = await _server.ConnectPlayerAsync("both");
        await using var inX = await _server.ConnectPlayerAsync("x");
        await using var inY = await _server.ConnectPlayerAsync("y");
        var (leaver, welcome) = await WireClient.ConnectWelcomedAsync(_server.EndPoint);
        var leaverId = (long)welcome["user_id"]!;
        await using (leaver)
        {
            foreach (var room in new[] { "room-x", "room-y", "room-alone" })
            {
                await leaver.SendJsonAsync($$"""{"cmd":"JOIN","message":{"room":"{{room}}"},"id":"{{room}}"}""");
                Assert.Equal("JOINED", (string?)(await leaver.ReadFrameAsync())["cmd"]);
            }

            await both.JoinAsync("room-x").Soon();
            await both.JoinAsync("room-y").Soon();
            await inX.JoinAsync("room-x").Soon();
            await inY.JoinAsync("room-y").Soon();
            await both.DrainAsync();
            await inX.DrainAsync();

            leaver.Reset(); // RST, no FIN: the way a crashed game or a pulled cable ends.
        }

        await AssertLeftEverywhereAsync(leaverId, both, inX, inY);
    }

    private async Task AssertLeftEverywhereAsync(long leaverId, GameClient both, GameClient inX, GameClient inY)
    {
        static string LeftOf(string room, long id) => Players.Canon("PRESENCE", $$$"""{"room":"{{{room}}}","left":{"user_id":{{{id}}}}}""");

        // Pushes from two rooms may interleave either way.
        Assert.Equal(
            new[] { LeftOf("room-x", leaverId), LeftOf("room-y", leaverId) }.Order(),
            new[] { Players.Canon(await both.NextAsync()), Players.Canon(await both.NextAsync()) }.Order());
        Assert.Equal(LeftOf("room-x", leaverId), Players.Canon(await inX.NextAsync()));
        Assert.Equal(LeftOf("room-y", leaverId), Players.Canon(await inY.NextAsync()));
        await both.AssertNothingPendingFromRoomAsync("room-x");
        await both.AssertNothingPendingFromRoomAsync("room-y");
        await inX.AssertNothingPendingFromRoomAsync("room-x");
        await inY.AssertNothingPendingFromRoomAsync("room-y");

        // The room it was alone in is retired too; that happens with no one to tell, so poll for it.
        await _server.WaitForOnlineCountAsync(3);
        var deadline = DateTime.UtcNow + WireClient.DefaultTimeout;
        string rooms;
        while ((rooms = Players.Canon(await inX.RoomsAsync().Soon())).Contains("room-alone", StringComparison.Ordinal) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Equal(Players.Canon("ROOMS", """{"rooms":[{"room":"room-x","members":2},{"room":"room-y","members":2}]}"""), rooms);
    }
}
