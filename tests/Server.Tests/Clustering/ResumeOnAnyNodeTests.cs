using ActorGameServer.Client;
using ActorGameServer.Server.Tests.EndToEnd;
using ActorGameServer.Server.Tests.Support;

namespace ActorGameServer.Server.Tests.Clustering;

/// <summary>
/// RESUME on any node of a three-node cluster: the session moves to the node the player
/// reconnected to, with its id, its seats and what it missed, and the others see it away and back,
/// never leaving.
/// </summary>
public sealed class ResumeOnAnyNodeTests : IAsyncLifetime
{
    private TestCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await TestCluster.StartAsync(3, "game-server.sessions.resume-window = 60s");

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private static string Presence(string what, long userId) =>
        Players.Canon("PRESENCE", $$$"""{"room":"hall","{{{what}}}":{"user_id":{{{userId}}}}}""");

    [Fact]
    public async Task A_player_who_drops_resumes_on_another_node_then_a_third_with_its_id_its_room_and_every_push_once_in_order()
    {
        // One player per node, so every node knows every other's number (DIRECT routes by it, and so does RESUME).
        await using var cy = await _cluster[0].ConnectPlayerAsync("cy");
        await using var ana = await _cluster[1].ConnectPlayerAsync("ana");
        await using var ben = await _cluster[2].ConnectPlayerAsync("ben");
        await Directs.DirectUntilDeliveredAsync(ana, cy);
        await Directs.DirectUntilDeliveredAsync(ben, cy);
        await Directs.DirectUntilDeliveredAsync(cy, ana);
        await Directs.DirectUntilDeliveredAsync(cy, ben);
        await RoomPlay.JoinAllAsync("hall", ana, ben);
        await ana.DrainAsync();

        var (dropped, userId, session) = await ResumeTests.JoinedWirePlayerAsync(_cluster[0], "tcp", "hall");
        Assert.Equal(userId, JoinedUserId(await ana.NextUntilAsync("PRESENCE")));
        Assert.Equal(userId, JoinedUserId(await ben.NextUntilAsync("PRESENCE")));

        await dropped.DisposeAsync();
        Assert.Equal(Presence("away", userId), Players.Canon(await ana.NextAsync()));
        Assert.Equal(Presence("away", userId), Players.Canon(await ben.NextAsync()));
        await RoomPlay.RelayNumbersAsync(ana, "hall", 1, 3);
        await ana.WhoAsync("hall").Soon(); // After the relays: they reached the room, which sent them on first.
        await ben.WhoAsync("hall").Soon();

        // Back on node 2 (index 1), over WebSocket: the session moves there from node 1.
        var (onSecond, _) = await _cluster[1].ConnectWelcomedAsync("websocket");
        var resumed = await ResumeTests.ResumeAsync(onSecond, session);
        Assert.Equal("RESUMED", (string?)resumed["cmd"]);
        Assert.Equal(userId, (long)resumed["message"]!["user_id"]!);
        Assert.Equal(["hall"], resumed["message"]!["rooms"]!.Select(r => (string)r!));
        Assert.Equal(3, (int)resumed["message"]!["missed"]!);
        await ExpectRelaysAsync(onSecond, ana.UserId, 1, 3);
        Assert.Equal(Presence("back", userId), Players.Canon(await ana.NextAsync()));
        Assert.Equal(Presence("back", userId), Players.Canon(await ben.NextUntilAsync("PRESENCE"))); // After ana's relays.

        // Live again: relays both ways, each once; a DIRECT to its id (node 1's) finds it on node 2.
        await RoomPlay.RelayNumbersAsync(ben, "hall", 4, 1);
        await ExpectRelaysAsync(onSecond, ben.UserId, 4, 1);
        await onSecond.SendJsonAsync("""{"cmd":"RELAY","message":{"room":"hall","data":{"from":"second"}}}""");
        Assert.Equal(ben.UserId, (await ana.NextAsync()).Message.GetProperty("from").GetInt64());
        Assert.Equal(userId, (await ana.NextAsync()).Message.GetProperty("from").GetInt64());
        await ben.DirectAsync(userId, """{"hello":"moved"}""");
        var direct = await onSecond.ReadFrameAsync();
        Assert.Equal("DIRECT", (string?)direct["cmd"]);
        Assert.Equal(ben.UserId, (long)direct["message"]!["from"]!);

        // Node 1 let go of it: only cy is its player now.
        await _cluster[0].WaitForOnlineCountAsync(1);

        // Dropped again, back on node 3 (index 2) over TCP with RESUMED's token: node 1, which
        // handed the id out, sends the RESUME on to node 2, where the session is.
        var next = (string)resumed["message"]!["session"]!;
        await onSecond.DisposeAsync();
        Assert.Equal(Presence("away", userId), Players.Canon(await ana.NextUntilAsync("PRESENCE")));
        await ben.NextUntilAsync("PRESENCE"); // Its away.
        await RoomPlay.RelayNumbersAsync(ana, "hall", 5, 2);
        await ana.WhoAsync("hall").Soon();
        var (onThird, _) = await _cluster[2].ConnectWelcomedAsync("tcp");
        await using var _ = onThird;
        var again = await ResumeTests.ResumeAsync(onThird, next);
        Assert.Equal("RESUMED", (string?)again["cmd"]);
        Assert.Equal(userId, (long)again["message"]!["user_id"]!);
        Assert.Equal(2, (int)again["message"]!["missed"]!);
        await ExpectRelaysAsync(onThird, ana.UserId, 5, 2);
        Assert.Equal(Presence("back", userId), Players.Canon(await ana.NextAsync()));
        Assert.Equal(Presence("back", userId), Players.Canon(await ben.NextUntilAsync("PRESENCE")));
        await cy.DirectAsync(userId, """{"hello":"third"}""");
        Assert.Equal("DIRECT", (string?)(await onThird.ReadFrameAsync())["cmd"]);
        await _cluster[1].WaitForOnlineCountAsync(1);

        // Leaving on purpose is a leave everyone sees, once.
        await onThird.SendJsonAsync("""{"cmd":"BYE","message":{}}""");
        Assert.Equal(Presence("left", userId), Players.Canon(await ana.NextAsync()));
        Assert.Equal(Presence("left", userId), Players.Canon(await ben.NextAsync()));
        await _cluster[2].WaitForOnlineCountAsync(1);
        await ana.AssertNothingPendingAsync();
        await ben.AssertNothingPendingAsync();
    }

    [Fact]
    public async Task Relays_sent_all_through_the_move_reach_the_moved_player_each_once_and_in_order()
    {
        await using var cy = await _cluster[0].ConnectPlayerAsync("cy");
        await using var ana = await _cluster[1].ConnectPlayerAsync("ana");
        await using var ben = await _cluster[2].ConnectPlayerAsync("ben");
        await Directs.DirectUntilDeliveredAsync(ana, cy);
        await Directs.DirectUntilDeliveredAsync(ben, cy);
        await RoomPlay.JoinAllAsync("hall", ana, ben);
        var (dropped, userId, session) = await ResumeTests.JoinedWirePlayerAsync(_cluster[0], "tcp", "hall");
        await ana.NextUntilAsync("PRESENCE");
        await dropped.DisposeAsync();
        Assert.Equal(Presence("away", userId), Players.Canon(await ana.NextUntilAsync("PRESENCE")));

        // Both keep relaying, before, during and after the move: some relays are kept for the
        // RESUME, some reach the old node while the session moves, the rest come the new way.
        using var stop = new CancellationTokenSource();
        // About every millisecond, so several are in flight during the move.
        var anaSending = RoomPlay.RelayUntilAsync(ana, "hall", stop.Token, everyMilliseconds: 1);
        var benSending = RoomPlay.RelayUntilAsync(ben, "hall", stop.Token, everyMilliseconds: 1);
        await Task.Delay(100);
        var (back, _) = await _cluster[1].ConnectWelcomedAsync("tcp");
        await using var _ = back;
        Assert.Equal("RESUMED", (string?)(await ResumeTests.ResumeAsync(back, session))["cmd"]);
        await Task.Delay(300);
        await stop.CancelAsync();
        var sent = new Dictionary<long, int> { [ana.UserId] = await anaSending, [ben.UserId] = await benSending };

        var received = new Dictionary<long, List<int>> { [ana.UserId] = [], [ben.UserId] = [] };
        while (received[ana.UserId].Count < sent[ana.UserId] || received[ben.UserId].Count < sent[ben.UserId])
        {
            var frame = await back.ReadFrameAsync();
            Assert.Equal("RELAY", (string?)frame["cmd"]);
            received[(long)frame["message"]!["from"]!].Add((int)frame["message"]!["data"]!);
        }

        Assert.Equal(Enumerable.Range(0, sent[ana.UserId]), received[ana.UserId]);
        Assert.Equal(Enumerable.Range(0, sent[ben.UserId]), received[ben.UserId]);
        await back.SendJsonAsync("""{"cmd":"PING","message":{}}""");
        Assert.Equal("PONG", (string?)(await back.ReadFrameAsync())["cmd"]); // Nothing more, nothing twice.
        var presence = (await ana.DrainAsync()).Where(f => f.Cmd == "PRESENCE").Select(Players.Canon);
        Assert.Equal([Presence("back", userId)], presence);
    }

    [Fact]
    public async Task A_resume_on_another_node_while_the_old_connection_still_looks_open_takes_the_session_over()
    {
        await using var cy = await _cluster[0].ConnectPlayerAsync("cy");
        await using var ana = await _cluster[1].ConnectPlayerAsync("ana");
        await Directs.DirectUntilDeliveredAsync(ana, cy);
        await ana.JoinAsync("hall").Soon();
        var (stale, userId, session) = await ResumeTests.JoinedWirePlayerAsync(_cluster[0], "websocket", "hall");
        await using var _1 = stale;
        await ana.NextUntilAsync("PRESENCE");

        var (fresh, _) = await _cluster[1].ConnectWelcomedAsync("tcp");
        await using var _2 = fresh;
        var resumed = await ResumeTests.ResumeAsync(fresh, session);

        Assert.Equal("RESUMED", (string?)resumed["cmd"]);
        Assert.Equal(userId, (long)resumed["message"]!["user_id"]!);
        Assert.True(await stale.IsClosedByServerAsync());
        Assert.Equal(Presence("away", userId), Players.Canon(await ana.NextAsync()));
        Assert.Equal(Presence("back", userId), Players.Canon(await ana.NextAsync()));
        await ana.RelayAsync("hall", "1");
        Assert.Equal(1, (int)(await fresh.ReadFrameAsync())["message"]!["data"]!);
        await _cluster[0].WaitForOnlineCountAsync(1);
    }

    [Fact]
    public async Task A_wrong_token_for_a_session_on_another_node_gets_bad_session_and_that_session_stays_resumable()
    {
        await using var ana = await _cluster[1].ConnectPlayerAsync("ana");
        await using var cy = await _cluster[0].ConnectPlayerAsync("cy");
        await Directs.DirectUntilDeliveredAsync(ana, cy);
        var (dropped, userId, session) = await ResumeTests.JoinedWirePlayerAsync(_cluster[0], "tcp", "hall");
        await dropped.DisposeAsync();

        var forged = session[..^4] + (session.EndsWith("AAAA", StringComparison.Ordinal) ? "BBBB" : "AAAA");
        var (guesser, _) = await _cluster[1].ConnectWelcomedAsync("tcp");
        await using var _1 = guesser;
        var refused = await ResumeTests.ResumeAsync(guesser, forged);
        Assert.Equal("bad_session", (string?)refused["message"]!["code"]);
        Assert.Equal(1, (int)refused["id"]!);
        await guesser.SendJsonAsync("""{"cmd":"PING","message":{}}""");
        Assert.Equal("PONG", (string?)(await guesser.ReadFrameAsync())["cmd"]); // Still open, as the fresh player.

        var (owner, _) = await _cluster[1].ConnectWelcomedAsync("tcp");
        await using var _2 = owner;
        var resumed = await ResumeTests.ResumeAsync(owner, session);
        Assert.Equal("RESUMED", (string?)resumed["cmd"]);
        Assert.Equal(userId, (long)resumed["message"]!["user_id"]!);

        // The token was spent by that: on the third node it is refused.
        var (late, _) = await _cluster[2].ConnectWelcomedAsync("websocket");
        await using var _3 = late;
        Assert.Equal("bad_session", (string?)(await ResumeTests.ResumeAsync(late, session))["message"]!["code"]);
    }

    private static long JoinedUserId(ServerFrame presence) => presence.Message.GetProperty("joined").GetProperty("user_id").GetInt64();

    private static async Task ExpectRelaysAsync(IWireClient client, long from, int first, int count)
    {
        for (var n = first; n < first + count; n++)
        {
            var relay = await client.ReadFrameAsync();
            Assert.Equal("RELAY", (string?)relay["cmd"]);
            Assert.Equal(from, (long)relay["message"]!["from"]!);
            Assert.Equal(n, (int)relay["message"]!["data"]!);
        }
    }
}
