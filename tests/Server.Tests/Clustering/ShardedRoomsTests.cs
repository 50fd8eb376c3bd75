using ActorGameServer.Client;
using ActorGameServer.Server.Tests.Support;
using Xunit.Abstractions;
using static ActorGameServer.Server.Tests.Support.RoomPlay;

namespace ActorGameServer.Server.Tests.Clustering;

/// <summary>
/// Three servers in one cluster, players on different nodes in the same rooms: the room commands
/// work as on one server, and the players survive a node that leaves and a node that crashes.
/// </summary>
public sealed class ShardedRoomsTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Players_on_three_nodes_share_a_room_as_on_one_server()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        await using var ada = await cluster[0].ConnectPlayerAsync("Ada");
        await using var bo = await cluster[1].ConnectPlayerAsync("Bo");
        await using var cy = await cluster[2].ConnectWebSocketPlayerAsync("Cy");

        Assert.Equal([ada.UserId], Members(await ada.JoinAsync("arena").Soon()));
        Assert.Equal([ada.UserId, bo.UserId], Members(await bo.JoinAsync("arena").Soon()));
        Assert.Equal(bo.UserId, JoinedUserId(await ada.NextAsync()));
        Assert.Equal([ada.UserId, bo.UserId, cy.UserId], Members(await cy.JoinAsync("arena").Soon()));
        Assert.Equal(cy.UserId, JoinedUserId(await ada.NextAsync()));
        Assert.Equal(cy.UserId, JoinedUserId(await bo.NextAsync()));
        output.WriteLine($"arena lives on node {await cluster.HostOfAsync("arena") + 1}");

        // Every relay reaches every other member exactly once, in the order its sender sent them.
        var players = new[] { ada, bo, cy };
        await Task.WhenAll(players.Select(p => RelayNumbersAsync(p, "arena", 0, 30)));
        foreach (var player in players)
        {
            var received = await ReceiveRelaysAsync(player, "arena", expected: 60);
            foreach (var sender in players.Where(p => p != player))
            {
                Assert.Equal(Enumerable.Range(0, 30), received[sender.UserId]);
            }

            Assert.DoesNotContain(player.UserId, received.Keys);
            await player.AssertNothingPendingFromRoomAsync("arena");
        }

        // WHO from any node lists all three, and ROOMS on every node comes to list the room (it
        // may lag on the nodes the room does not live on: Distributed Data).
        foreach (var player in players)
        {
            Assert.Equal([ada.UserId, bo.UserId, cy.UserId], Members(await player.WhoAsync("arena").Soon()));
            await WaitForListingAsync(player, """{"rooms":[{"members":3,"room":"arena"}]}""");
        }

        // DIRECT between players on different nodes, alongside the rooms.
        Assert.Equal(ada.UserId, (await Directs.DirectUntilDeliveredAsync(ada, cy)).Message.GetProperty("from").GetInt64());
        Assert.Equal(cy.UserId, (await Directs.DirectUntilDeliveredAsync(cy, bo)).Message.GetProperty("from").GetInt64());

        // A player on another node leaving is seen by all.
        await bo.LeaveAsync("arena").Soon();
        Assert.Equal(bo.UserId, LeftUserId(await ada.NextAsync()));
        Assert.Equal(bo.UserId, LeftUserId(await cy.NextAsync()));
        await bo.RelayAsync("arena", "1").ContinueWith(_ => { });
        await bo.RequestAsync("RELAY", """{"room":"arena","data":1}""").ExpectErrorAsync("not_in_room");
    }

    [Fact]
    public async Task Room_size_is_enforced_across_nodes()
    {
        await using var cluster = await TestCluster.StartAsync(2, "game-server.rooms.max-members = 2");
        await using var ada = await cluster[0].ConnectPlayerAsync();
        await using var bo = await cluster[1].ConnectPlayerAsync();
        await using var cy = await cluster[1].ConnectPlayerAsync();

        await ada.JoinAsync("duel").Soon();
        await bo.JoinAsync("duel").Soon();
        await cy.JoinAsync("duel").ExpectErrorAsync("room_full");
    }

    [Fact]
    public async Task When_the_node_a_room_lives_on_leaves_its_other_members_keep_relaying_and_lose_nothing()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        var (room, host) = await RoomLivingOnAsync(cluster, node => node != 0); // Not the seed: the others keep it as their seed.
        var survivors = Enumerable.Range(0, 3).Where(i => i != host).ToArray();
        await using var leaving = await cluster[host].ConnectPlayerAsync();
        await using var ada = await cluster[survivors[0]].ConnectPlayerAsync();
        await using var bo = await cluster[survivors[1]].ConnectPlayerAsync();
        await JoinAllAsync(room, leaving, ada, bo);

        // Ada relays without pause from before the node stops until after it is gone.
        using var stopRelaying = new CancellationTokenSource();
        var relaying = RelayUntilAsync(ada, room, stopRelaying.Token);
        var before = await WaitForRelaysAsync(bo, ada.UserId, count: 20);

        await cluster[host].Host.StopAsync();
        var shutdown = await leaving.NextUntilAsync("SHUTDOWN");
        Assert.Equal("SHUTDOWN", shutdown.Cmd);
        output.WriteLine($"the room lived on node {host + 1}, which stopped; now on node {await cluster.HostOfAsync(room) + 1}");

        await Task.Delay(TimeSpan.FromSeconds(1)); // Relays keep going while the room moves.
        stopRelaying.Cancel();
        var sent = await relaying;

        // Bo got every one of Ada's relays, in order, and heard that the leaving player left.
        var frames = await ReadThroughRelayAsync(bo, ada.UserId, sent - 1);
        Assert.Equal(Enumerable.Range(before, sent - before), RelaysFrom(frames, ada.UserId));
        Assert.Contains(frames, f => f.Cmd == "PRESENCE" && LeftUserId(f) == leaving.UserId);
        Assert.Equal([ada.UserId, bo.UserId], Members(await bo.WhoAsync(room).Soon()));
        Assert.NotEqual(host, await cluster.HostOfAsync(room));
    }

    [Fact]
    public async Task Rooms_that_move_to_a_node_that_joins_lose_none_of_their_members_relays()
    {
        // Sharding evens out shards between nodes every rebalance-interval (10 s by default).
        const string Rebalancing = "akka.cluster.sharding.rebalance-interval = 1s";
        await using var cluster = await TestCluster.StartAsync(1, Rebalancing);
        var rooms = Enumerable.Range(0, 8).Select(i => $"moving-{i}").ToArray();
        var senders = new List<GameClient>();
        var receivers = new List<GameClient>();
        try
        {
            foreach (var room in rooms)
            {
                senders.Add(await cluster[0].ConnectPlayerAsync());
                receivers.Add(await cluster[0].ConnectPlayerAsync());
                await JoinAllAsync(room, senders[^1], receivers[^1]);
            }

            // Each sender relays without pause, straight to its room on its own node, while a
            // second node joins and rooms move to it.
            using var stopRelaying = new CancellationTokenSource();
            var relaying = rooms.Select((room, i) => RelayUntilAsync(senders[i], room, stopRelaying.Token)).ToArray();
            await cluster.AddNodeAsync(Rebalancing);
            var moved = await WaitForAnyRoomOnAsync(cluster, rooms, node: 1);
            output.WriteLine($"{moved} moved to the new node");
            await Task.Delay(TimeSpan.FromSeconds(1));
            await stopRelaying.CancelAsync();
            var sent = await Task.WhenAll(relaying);

            for (var i = 0; i < rooms.Length; i++)
            {
                var frames = await ReadThroughRelayAsync(receivers[i], senders[i].UserId, sent[i] - 1);
                Assert.Equal(Enumerable.Range(0, sent[i]), RelaysFrom(frames, senders[i].UserId));
            }

            output.WriteLine($"{sent.Sum()} relays, none lost or reordered");
        }
        finally
        {
            foreach (var player in senders.Concat(receivers))
            {
                await player.DisposeAsync();
            }
        }
    }

    /// <summary>Waits until one of <paramref name="rooms"/> lives on node <paramref name="node"/>; returns it.</summary>
    private static async Task<string> WaitForAnyRoomOnAsync(TestCluster cluster, string[] rooms, int node)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            foreach (var room in rooms)
            {
                if (await cluster.HostOfAsync(room) == node)
                {
                    return room;
                }
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"no room moved to node {node + 1} within 60 s");
    }

    [Fact]
    public async Task When_a_node_crashes_the_others_hear_its_players_left_and_their_rooms_come_back()
    {
        await using var cluster = await TestCluster.StartAsync(3, TestCluster.Crashable);
        const int crashing = 2;
        var (onCrashingNode, _) = await RoomLivingOnAsync(cluster, node => node == crashing);
        var (elsewhere, _) = await RoomLivingOnAsync(cluster, node => node != crashing);
        await using var doomed = await cluster[crashing].ConnectPlayerAsync();
        await using var ada = await cluster[0].ConnectPlayerAsync();
        await using var bo = await cluster[1].ConnectPlayerAsync();
        foreach (var room in new[] { onCrashingNode, elsewhere })
        {
            await JoinAllAsync(room, doomed, ada, bo);
        }

        var crashedAt = DateTime.UtcNow;
        await cluster.CrashAsync(crashing);

        // In both rooms the survivors are told the crashed node's player left, once it is downed;
        // the room that lived there is back on a survivor with both of them, without a JOIN.
        foreach (var room in new[] { onCrashingNode, elsewhere })
        {
            foreach (var survivor in new[] { ada, bo })
            {
                var left = await survivor.NextUntilAsync("PRESENCE", TimeSpan.FromSeconds(60));
                Assert.Equal(doomed.UserId, LeftUserId(left));
                output.WriteLine($"{room}: user {survivor.UserId} heard of the crash after {(DateTime.UtcNow - crashedAt).TotalSeconds:0.0} s");
            }
        }

        // Relays sent while the crashed node was still thought alive may have gone to it; once
        // one gets through, the room is back, and from then on nothing is lost.
        foreach (var room in new[] { onCrashingNode, elsewhere })
        {
            await RelayUntilDeliveredAsync(ada, bo, room);
            await RelayNumbersAsync(ada, room, 0, 20);
            Assert.Equal(Enumerable.Range(0, 20), RelaysFrom(await ReadThroughRelayAsync(bo, ada.UserId, 19), ada.UserId));
            Assert.Equal([ada.UserId, bo.UserId], Members(await ada.WhoAsync(room).Soon()));
            Assert.NotEqual(crashing, await cluster.HostOfAsync(room));
        }
    }

    /// <summary>A room name whose actor lives on a node (index) <paramref name="wanted"/> accepts, and that node.</summary>
    private static Task<(string Room, int Host)> RoomLivingOnAsync(TestCluster cluster, Func<int, bool> wanted) =>
        RoomPlay.RoomLivingOnAsync(() => cluster[0].ConnectPlayerAsync(), cluster.HostOfAsync, wanted);
}
