using ActorGameServer.Server.Rooms;
using Akka.Actor;
using Akka.Cluster.Sharding;

namespace ActorGameServer.Server.Tests.Support;

/// <summary>
/// Several real servers in this process forming one cluster on loopback: each its own actor
/// system, game port and cluster port, the others seeded with the first. Same code and settings as
/// production except for <see cref="FastFailureDetection"/>, which a test of a crash asks for.
/// </summary>
public sealed class TestCluster : IAsyncDisposable
{
    /// <summary>
    /// For a test that crashes a node (<see cref="CrashAsync"/>): terminating a node's actor
    /// system does not make it leave (the host's stop still does), and a crashed node is downed
    /// 2 s after it is found unreachable, its rooms restarted 1 s after that, instead of 7 s and
    /// 3 s. The failure detector keeps its defaults: shorter, it found healthy nodes unreachable
    /// on a busy machine.
    /// </summary>
    public const string Crashable = """
        akka.coordinated-shutdown.run-by-actor-system-terminate = off
        akka.cluster.split-brain-resolver.stable-after = 2s
        akka.cluster.down-removal-margin = 1s
        """;

    private readonly List<TestServer> _nodes;

    private TestCluster(List<TestServer> nodes) => _nodes = nodes;

    public IReadOnlyList<TestServer> Nodes => _nodes;

    public TestServer this[int index] => _nodes[index];

    public static async Task<TestCluster> StartAsync(int nodes, string extraHocon = "")
    {
        var started = new List<TestServer> { await TestServer.StartAsync(extraHocon) };
        try
        {
            var seed = Address(started[0]);
            for (var i = 1; i < nodes; i++)
            {
                started.Add(await TestServer.StartAsync($$"""
                    game-server.cluster.seed-nodes = ["127.0.0.1:{{seed.Port}}"]
                    {{extraHocon}}
                    """));
            }

            var addresses = started.Select(Address).ToArray();
            foreach (var node in started)
            {
                await ClusterView.WaitForUpMembersAsync(node.Host.System, addresses);
            }

            return new TestCluster(started);
        }
        catch
        {
            foreach (var node in started)
            {
                await node.DisposeAsync();
            }

            throw;
        }
    }

    /// <summary>Starts one more node, seeded with the first, and waits until every node sees it Up.</summary>
    public async Task<TestServer> AddNodeAsync(string extraHocon = "")
    {
        var node = await TestServer.StartAsync($$"""
            game-server.cluster.seed-nodes = ["127.0.0.1:{{Address(_nodes[0]).Port}}"]
            {{extraHocon}}
            """);
        _nodes.Add(node);
        var addresses = _nodes.Select(Address).ToArray();
        foreach (var each in _nodes)
        {
            await ClusterView.WaitForUpMembersAsync(each.Host.System, addresses);
        }

        return node;
    }

    public static Address Address(TestServer node) => Akka.Cluster.Cluster.Get(node.Host.System).SelfAddress;

    /// <summary>The index of the node whose shard region holds <paramref name="room"/>'s actor now, or -1.</summary>
    public async Task<int> HostOfAsync(string room)
    {
        for (var i = 0; i < _nodes.Count; i++)
        {
            if (_nodes[i].Host.System.WhenTerminated.IsCompleted)
            {
                continue;
            }

            var region = ClusterSharding.Get(_nodes[i].Host.System).ShardRegion(RoomSharding.TypeName);
            var state = await region.Ask<CurrentShardRegionState>(GetShardRegionState.Instance, WireClient.DefaultTimeout);
            if (state.Shards.Any(shard => shard.EntityIds.Contains(room)))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>
    /// Kills a node the way a crash does as far as the others can tell (the cluster must have been
    /// started <see cref="Crashable"/>): its actor system stops without leaving the cluster, so
    /// nobody is told it is going; the others find it unreachable and down it. Its players'
    /// connections end with it, without SHUTDOWN.
    /// </summary>
    public async Task CrashAsync(int index) =>
        await _nodes[index].Host.System.Terminate().WaitAsync(WireClient.DefaultTimeout);

    public async ValueTask DisposeAsync()
    {
        // The last first: the first node is every other's seed.
        foreach (var node in Enumerable.Reverse(_nodes))
        {
            await node.DisposeAsync();
        }
    }
}
