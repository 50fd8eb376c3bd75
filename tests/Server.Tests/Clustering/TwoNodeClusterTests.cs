using ActorGameServer.Client;
using ActorGameServer.Server.Tests.Support;
using Akka.Actor;
using Akka.Cluster;
using Xunit.Abstractions;

namespace ActorGameServer.Server.Tests.Clustering;

/// <summary>Two servers in one process, the second seeded with the first: the multi-node path, on loopback.</summary>
public sealed class TwoNodeClusterTests(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit(output: output)
{
    [Fact]
    public async Task A_second_server_seeded_with_the_first_joins_it_and_leaves_it_when_stopped()
    {
        await using var first = await TestServer.StartAsync();
        var firstAddress = SelfAddress(first);

        // Seeded with the first node's actual address (its cluster port was 0, so only it knows).
        var second = await TestServer.StartAsync($$"""game-server.cluster.seed-nodes = ["127.0.0.1:{{firstAddress.Port}}"]""");
        var secondAddress = SelfAddress(second);
        try
        {
            await ClusterView.WaitForUpMembersAsync(first.Host.System, firstAddress, secondAddress);
            await ClusterView.WaitForUpMembersAsync(second.Host.System, firstAddress, secondAddress);

            // Both accept players once Up, and no user id is given out twice in the cluster: the
            // second node's ids are its own range (ActorGameServer.Server.Actors.UserIds).
            var (onFirst, firstWelcome) = await WireClient.ConnectWelcomedAsync(first.EndPoint);
            var (player, secondWelcome) = await WireClient.ConnectWelcomedAsync(second.EndPoint);
            await using (onFirst)
            await using (player)
            {
                await player.SendJsonAsync("""{"cmd":"PING","message":2}""");
                Assert.Equal("""{"cmd":"PONG","message":2}""", await player.ReadFrameTextAsync());
                Assert.Equal(1L, UserIdOf(firstWelcome));
                Assert.Equal((1L << 32) + 1, UserIdOf(secondWelcome));
            }

            var removals = CreateTestProbe(first.Host.System);
            Akka.Cluster.Cluster.Get(first.Host.System).Subscribe(removals.Ref, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents, typeof(ClusterEvent.MemberRemoved));

            // Stopped the way SIGTERM stops it: the node leaves (Leaving, Exiting, Removed), so the
            // first sees it go, rather than finding it unreachable and downing it.
            await second.Host.StopAsync();
            var removed = await removals.ExpectMsgAsync<ClusterEvent.MemberRemoved>(WireClient.DefaultTimeout);
            Assert.Equal(secondAddress, removed.Member.Address);
            Assert.Equal(MemberStatus.Exiting, removed.PreviousStatus);
            await ClusterView.WaitForUpMembersAsync(first.Host.System, firstAddress);
        }
        finally
        {
            await second.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_DIRECT_reaches_a_player_on_the_other_node_and_an_id_nobody_has_gets_no_such_user()
    {
        await using var first = await TestServer.StartAsync();
        var firstAddress = SelfAddress(first);
        await using var second = await TestServer.StartAsync($$"""game-server.cluster.seed-nodes = ["127.0.0.1:{{firstAddress.Port}}"]""");
        await ClusterView.WaitForUpMembersAsync(first.Host.System, firstAddress, SelfAddress(second));

        await using var ada = await first.ConnectPlayerAsync("ada");
        await using var bo = await second.ConnectPlayerAsync("bo");

        // A DIRECT crosses once the sender's node knows the recipient's node number, which it
        // learns from Distributed Data (a subscriber hears of a change within half a second):
        // until then the honest answer is no_such_user, so each way sends until one gets through.
        var direct = await Directs.DirectUntilDeliveredAsync(ada, bo);
        Assert.Equal(ada.UserId, direct.Message.GetProperty("from").GetInt64());
        var back = await Directs.DirectUntilDeliveredAsync(bo, ada);
        Assert.Equal(bo.UserId, back.Message.GetProperty("from").GetInt64());

        // An id of the second node that nobody has, and one of a node number nobody holds:
        // answered no_such_user, through the second node's registry and without it.
        await ada.RequestAsync("DIRECT", $$"""{"to":{{bo.UserId + 1000}},"data":1}""").ExpectErrorAsync("no_such_user");
        await ada.RequestAsync("DIRECT", $$"""{"to":{{(7L << 32) + 1}},"data":1}""").ExpectErrorAsync("no_such_user");
        await bo.AssertStillServedAsync();
    }

    private static long UserIdOf(Newtonsoft.Json.Linq.JObject welcome) => (long)welcome["user_id"]!;

    private static Address SelfAddress(TestServer server) => Akka.Cluster.Cluster.Get(server.Host.System).SelfAddress;
}
