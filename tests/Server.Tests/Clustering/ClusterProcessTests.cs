using System.Diagnostics;
using System.Text.RegularExpressions;
using ActorGameServer.Client;
using ActorGameServer.Server.Tests.Support;
using Xunit.Abstractions;
using static ActorGameServer.Server.Tests.Support.RoomPlay;

namespace ActorGameServer.Server.Tests.Clustering;

/// <summary>
/// Real server processes on loopback forming one cluster of three, and what happens to their
/// players when one of them fails: kill -9, SIGTERM, cut off (SIGSTOP long enough to be downed),
/// restarted at the same address. Players are real TCP and WebSocket clients, some exchanging
/// DIRECTs, others in rooms (a node logs each room that starts or stops on it, which is how a test
/// knows where a room lives). Measured times are printed, never asserted: the waits are bounded
/// generously for a busy CI machine.
/// </summary>
[Collection(ClusterProcesses.Name)]
public sealed class ClusterProcessTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Three_processes_form_one_cluster_and_a_DIRECT_crosses_from_node_1_to_node_3_and_back()
    {
        var started = Stopwatch.GetTimestamp();
        await using var cluster = await ServerCluster.StartAsync(3, output, http: true);
        output.WriteLine($"3 nodes Up, each seeing all 3: {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s after the first was started");

        await using var ada = await cluster.ConnectPlayerAsync(1, "ada");
        await using var cy = await cluster.ConnectPlayerAsync(3, "cy");
        Assert.NotEqual(ada.UserId >> 32, cy.UserId >> 32); // Different node numbers.

        var there = await Directs.DirectUntilDeliveredAsync(ada, cy);
        Assert.Equal(ada.UserId, there.Message.GetProperty("from").GetInt64());
        var back = await Directs.DirectUntilDeliveredAsync(cy, ada);
        Assert.Equal(cy.UserId, back.Message.GetProperty("from").GetInt64());

        // A TCP player on node 1 and a WebSocket player on node 3 in one room, wherever it lives.
        await using var rina = await cluster.ConnectPlayerAsync(1, "rina");
        await using var rosa = await cluster.ConnectWebSocketPlayerAsync(3, "rosa");
        await JoinAllAsync("arena", rina, rosa);
        output.WriteLine($"arena lives on node {await cluster.HostOfAsync("arena")}");
        await RelayNumbersAsync(rina, "arena", 0, 10);
        await RelayNumbersAsync(rosa, "arena", 0, 10);
        Assert.Equal(Enumerable.Range(0, 10), RelaysFrom(await ReadThroughRelayAsync(rosa, rina.UserId, 9), rina.UserId));
        Assert.Equal(Enumerable.Range(0, 10), RelaysFrom(await ReadThroughRelayAsync(rina, rosa.UserId, 9), rosa.UserId));
    }

    [Fact]
    public async Task A_node_killed_with_sigkill_is_removed_by_the_others_and_rejoins_at_the_same_address_when_restarted()
    {
        await using var cluster = await ServerCluster.StartAsync(3, output);
        await using var ada = await cluster.ConnectPlayerAsync(1, "ada");
        await using var bo = await cluster.ConnectPlayerAsync(2, "bo");
        var cy = await cluster.ConnectPlayerAsync(3, "cy");
        await Directs.DirectUntilDeliveredAsync(ada, bo);
        await Directs.DirectUntilDeliveredAsync(bo, ada);
        await Directs.DirectUntilDeliveredAsync(ada, cy);
        var exchange = new Directs.Exchange(ada, bo);

        // Two rooms with a player on each node: one living on the node about to die, one elsewhere.
        await using var rina = await cluster.ConnectPlayerAsync(1, "rina");
        await using var ravi = await cluster.ConnectPlayerAsync(2, "ravi");
        var rosa = await cluster.ConnectPlayerAsync(3, "rosa");
        var onDyingNode = await RoomLivingOnAsync(cluster, node => node == 3);
        var elsewhere = await RoomLivingOnAsync(cluster, node => node != 3);
        foreach (var room in new[] { onDyingNode, elsewhere })
        {
            await JoinAllAsync(room, rina, ravi, rosa);
        }

        var marks = cluster.LogMarks();
        var killed = Stopwatch.GetTimestamp();
        cluster.Kill9(3);

        // cy's connection ends with the process, without a SHUTDOWN: the kernel closes it. (Exit
        // status 137 is 128 + SIGKILL.)
        Assert.Equal(137, await cluster.Process(3).WaitForExitAsync());
        await AssertNothingMoreThenClosedAsync(cy);
        await cy.DisposeAsync();

        var unreachable = await cluster.WaitForLogOnAsync([1, 2], marks, UnreachableLine(cluster, 3), killed);
        var removed = await cluster.WaitForLogOnAsync([1, 2], marks, cluster.RemovedLine(3, "it was downed"), killed);
        output.WriteLine($"kill -9 of node 3: unreachable on nodes 1 and 2 after {unreachable.TotalSeconds:F1} s, removed after {removed.TotalSeconds:F1} s");

        // Its players' ids are nobody's now; the survivors kept serving each other throughout.
        await Directs.ExpectNoSuchUserAsync(ada, cy.UserId, TimeSpan.FromSeconds(30));
        var (exchanged, slowest) = await exchange.StopAsync();
        output.WriteLine($"nodes 1 and 2 exchanged {exchanged} DIRECT pairs meanwhile, the slowest in {slowest.TotalMilliseconds:F0} ms");
        Assert.True(exchanged > 0);

        // In both rooms the survivors hear that node 3's player left; the room that lived on node 3
        // is back on a survivor, and its members keep relaying without sending JOIN again.
        await rosa.DisposeAsync();
        foreach (var which in new[] { "first", "second" })
        {
            foreach (var survivor in new[] { rina, ravi })
            {
                Assert.Equal(rosa.UserId, LeftUserId(await survivor.NextUntilAsync("PRESENCE", ServerCluster.Timeout)));
            }

            // The room that lived elsewhere tells them at removal; the other once it is restarted.
            output.WriteLine($"both survivors told PRESENCE left in the {which} room {Stopwatch.GetElapsedTime(killed).TotalSeconds:F1} s after the kill");
        }

        foreach (var room in new[] { onDyingNode, elsewhere })
        {
            await RelayUntilDeliveredAsync(rina, ravi, room);
            await RelayNumbersAsync(rina, room, 0, 20);
            Assert.Equal(Enumerable.Range(0, 20), RelaysFrom(await ReadThroughRelayAsync(ravi, rina.UserId, 19), rina.UserId));
            Assert.Equal([rina.UserId, ravi.UserId], Members(await ravi.WhoAsync(room).WaitAsync(ServerCluster.Timeout)));
        }

        output.WriteLine($"{onDyingNode} now lives on node {await cluster.HostOfAsync(onDyingNode)}");
        var restarted = Stopwatch.GetTimestamp();
        await cluster.RestartAsync(3);
        output.WriteLine($"node 3 restarted at the same address: Up and seen Up by nodes 1 and 2 after {Stopwatch.GetElapsedTime(restarted).TotalSeconds:F1} s");

        await using var dee = await cluster.ConnectPlayerAsync(3, "dee");
        Assert.Equal("DIRECT", (await Directs.DirectUntilDeliveredAsync(ada, dee)).Cmd);
        Assert.Equal("DIRECT", (await Directs.DirectUntilDeliveredAsync(dee, bo)).Cmd);
    }

    [Fact]
    public async Task A_node_stopped_with_sigterm_tells_its_players_SHUTDOWN_leaves_the_cluster_at_once_and_exits_zero()
    {
        await using var cluster = await ServerCluster.StartAsync(3, output);
        await using var ada = await cluster.ConnectPlayerAsync(1, "ada");
        var bo = await cluster.ConnectPlayerAsync(2, "bo");
        await using var cy = await cluster.ConnectPlayerAsync(3, "cy");
        await Directs.DirectUntilDeliveredAsync(ada, cy);
        await Directs.DirectUntilDeliveredAsync(cy, ada);
        await Directs.DirectUntilDeliveredAsync(ada, bo);
        var exchange = new Directs.Exchange(ada, cy);

        // A room living on node 2, with a player on each node; rina relays without pause from
        // before the SIGTERM until the room has moved.
        await using var rina = await cluster.ConnectPlayerAsync(1, "rina");
        var ravi = await cluster.ConnectPlayerAsync(2, "ravi");
        await using var rosa = await cluster.ConnectPlayerAsync(3, "rosa");
        var room = await RoomLivingOnAsync(cluster, node => node == 2);
        await JoinAllAsync(room, rina, ravi, rosa);
        using var stopRelaying = new CancellationTokenSource();
        var relaying = RelayUntilAsync(rina, room, stopRelaying.Token);
        var before = await WaitForRelaysAsync(rosa, rina.UserId, count: 20);

        var marks = cluster.LogMarks();
        var stopped = Stopwatch.GetTimestamp();
        cluster.Sigterm(2);

        var shutdown = await bo.NextAsync();
        Assert.Equal("SHUTDOWN", shutdown.Cmd);
        Assert.Equal(5000, shutdown.Message.GetProperty("reconnect_after_ms").GetInt32());
        var told = Stopwatch.GetElapsedTime(stopped);
        await bo.DisposeAsync();

        var removed = await cluster.WaitForLogOnAsync([1, 3], marks, cluster.RemovedLine(2, "it left"), stopped);
        Assert.Equal(0, await cluster.Process(2).WaitForExitAsync());
        var exited = Stopwatch.GetElapsedTime(stopped);
        output.WriteLine($"SIGTERM to node 2: its player told SHUTDOWN after {told.TotalMilliseconds:F0} ms, removed on nodes 1 and 3 after {removed.TotalSeconds:F1} s, exited 0 after {exited.TotalSeconds:F1} s");

        // It left: nobody found it unreachable or had to down it.
        foreach (var node in cluster.Others(2))
        {
            Assert.DoesNotMatch(UnreachableLine(cluster, 2), cluster.Process(node).StandardOutput[marks[node]..]);
        }

        await Directs.ExpectNoSuchUserAsync(ada, bo.UserId, TimeSpan.FromSeconds(30));
        var (exchanged, slowest) = await exchange.StopAsync();
        output.WriteLine($"nodes 1 and 3 exchanged {exchanged} DIRECT pairs meanwhile, the slowest in {slowest.TotalMilliseconds:F0} ms");
        Assert.True(exchanged > 0);

        // The room moved while rina kept relaying: rosa got every relay, in order, and heard that
        // node 2's player left.
        Assert.Equal("SHUTDOWN", (await ravi.NextUntilAsync("SHUTDOWN", ServerCluster.Timeout)).Cmd);
        await ravi.DisposeAsync();
        await Task.Delay(TimeSpan.FromSeconds(1)); // Relays keep going on the room's new node.
        await stopRelaying.CancelAsync();
        var sent = await relaying;
        var frames = await ReadThroughRelayAsync(rosa, rina.UserId, sent - 1);
        Assert.Equal(Enumerable.Range(before, sent - before), RelaysFrom(frames, rina.UserId));
        Assert.Contains(frames, f => f.Cmd == "PRESENCE" && LeftUserId(f) == ravi.UserId);
        var host = await cluster.HostOfAsync(room);
        Assert.NotEqual(2, host);
        output.WriteLine($"room {room} moved from node 2 to node {host}; rina's {sent} relays all reached rosa in order");
    }

    [Fact]
    public async Task A_node_cut_off_until_the_others_down_it_tells_its_players_SHUTDOWN_and_exits_with_code_3_once_it_runs_again()
    {
        await using var cluster = await ServerCluster.StartAsync(3, output);
        await using var ada = await cluster.ConnectPlayerAsync(1, "ada");
        await using var bo = await cluster.ConnectPlayerAsync(2, "bo");
        var cy = await cluster.ConnectPlayerAsync(3, "cy");
        await Directs.DirectUntilDeliveredAsync(ada, bo);
        await Directs.DirectUntilDeliveredAsync(bo, ada);
        await Directs.DirectUntilDeliveredAsync(ada, cy);
        var exchange = new Directs.Exchange(ada, bo);

        // SIGSTOP: node 3 answers nobody, its sockets stay open, as on the far side of a partition.
        var marks = cluster.LogMarks();
        var cutOff = Stopwatch.GetTimestamp();
        cluster.Stop(3);
        var removed = await cluster.WaitForLogOnAsync([1, 2], marks, cluster.RemovedLine(3, "it was downed"), cutOff);
        output.WriteLine($"node 3 stopped (SIGSTOP): removed by nodes 1 and 2 after {removed.TotalSeconds:F1} s");
        await Directs.ExpectNoSuchUserAsync(ada, cy.UserId, TimeSpan.FromSeconds(30));

        // Running again, it finds itself alone (the others quarantined it) and, being the minority,
        // downs itself: its players are told SHUTDOWN so they reconnect elsewhere, and it exits.
        var resumed = Stopwatch.GetTimestamp();
        cluster.Continue(3);
        await cy.SendAsync("PING", "\"resumed\""); // Keeps cy from timing out idle meanwhile.
        var frames = await PushesUntilShutdownAsync(cy);
        Assert.All(frames[..^1], frame => Assert.Equal("PONG", frame.Cmd));
        var told = Stopwatch.GetElapsedTime(resumed);
        await cy.DisposeAsync();

        Assert.Equal(3, await cluster.Process(3).WaitForExitAsync());
        var exited = Stopwatch.GetElapsedTime(resumed);
        output.WriteLine($"node 3 resumed (SIGCONT): its player told SHUTDOWN after {told.TotalSeconds:F1} s, exited with code 3 after {exited.TotalSeconds:F1} s");
        Assert.Contains("this node was downed by the cluster", cluster.Process(3).StandardOutput);
        Assert.Contains("exiting with code 3", cluster.Process(3).StandardError);

        var (exchanged, slowest) = await exchange.StopAsync();
        output.WriteLine($"nodes 1 and 2 exchanged {exchanged} DIRECT pairs meanwhile, the slowest in {slowest.TotalMilliseconds:F0} ms");
        Assert.True(exchanged > 0);

        // rooms: rooms that lived on node 3 are recreated on 1 or 2 while it is cut off.
    }

    /// <summary>A room name whose actor lives on a node (numbered from 1) <paramref name="wanted"/> accepts.</summary>
    private static async Task<string> RoomLivingOnAsync(ServerCluster cluster, Func<int, bool> wanted) =>
        (await RoomPlay.RoomLivingOnAsync(() => cluster.ConnectPlayerAsync(1, "scout"), cluster.HostOfAsync, wanted)).Room;

    private static Regex UnreachableLine(ServerCluster cluster, int node) => new($@"cluster member {Regex.Escape(cluster.ClusterAddress(node))} is unreachable");

    /// <summary>Everything pushed to <paramref name="player"/> up to and including SHUTDOWN, after which the server closes the connection.</summary>
    private static async Task<List<ServerFrame>> PushesUntilShutdownAsync(GameClient player)
    {
        var frames = new List<ServerFrame>();
        while (frames.LastOrDefault()?.Cmd != "SHUTDOWN")
        {
            frames.Add(await player.NextPushAsync(ServerCluster.Timeout));
        }

        await AssertNothingMoreThenClosedAsync(player);
        return frames;
    }

    /// <summary>The server sends nothing more: the connection ends (EOF or reset).</summary>
    private static async Task AssertNothingMoreThenClosedAsync(GameClient player)
    {
        using var wait = new CancellationTokenSource(ServerCluster.Timeout);
        var more = new List<ServerFrame>();
        try
        {
            await foreach (var frame in player.ReadPushesAsync(wait.Token))
            {
                more.Add(frame);
            }
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException)
        {
            // A reset ends it too.
        }

        Assert.Empty(more);
    }
}

/// <summary>
/// Tests that run several real server processes and time how the cluster reacts to failures run
/// alone, after the parallel ones: on a 2-core machine, other tests' load could delay heartbeats
/// enough for the failure detector to suspect a healthy node.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ClusterProcesses
{
    public const string Name = "cluster processes";
}
