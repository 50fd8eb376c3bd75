using ActorGameServer.Server.Actors;
using ActorGameServer.Server.Clustering;
using ActorGameServer.Server.Configuration;
using Akka.Actor;
using Akka.Cluster;
using Akka.DistributedData;
using Akka.Event;
using ClusterSettings = ActorGameServer.Server.Configuration.ClusterSettings;

namespace ActorGameServer.Server.Hosting;

/// <summary>
/// Makes this node a member of its cluster, and is the one place that decides when it is ready
/// for players: once the node is Up, <see cref="PlayerReadiness"/> says so and the game port is
/// bound. One node alone joins itself;
/// several join their seed nodes. Both are the same code path, so the single box runs what the
/// cluster runs. Leaving is Akka's: CoordinatedShutdown's cluster phases run after the players
/// are told SHUTDOWN (<see cref="GracefulShutdown"/>). What this node sees of the others is
/// logged by <see cref="MembershipLog"/>.
/// </summary>
internal static class ClusterMembership
{
    private static readonly TimeSpan ClaimTimeout = TimeSpan.FromSeconds(5);

    public static void Join(ActorSystem system, ClusterSettings settings, PlayerReadiness readiness, IActorRef clients, IActorRef listener)
    {
        var cluster = Cluster.Get(system);

        // The registry follows the table of node numbers, to send a DIRECT to the node whose
        // number is in the recipient's user id.
        DistributedData.Get(system).Replicator.Tell(Dsl.Subscribe(NodeTable.Key, clients));

        cluster.RegisterOnMemberUp(() =>
        {
            // Up, but not yet ready for players: first a node number, for user ids nobody else
            // in the cluster hands out. Then the registry gets it before the listener binds, so it
            // is in the registry's mailbox (both are local actors) before any Admit can be.
            system.ActorOf(NodeNumberClaim.Props(number =>
            {
                system.Log.Info("cluster member Up at {0} as node number {1}; accepting players", cluster.SelfAddress, number);
                clients.Tell(new ClientRegistry.NodeUp(number));
                readiness.MarkReady(); // Before the bind, so that whoever sees the port bound sees this too.
                listener.Tell(ListenerActor.Listen.Instance);
            }, ClaimTimeout), "node-number");
        });

        var seeds = settings.SeedAddresses(system.Name);
        system.ActorOf(MembershipLog.Props(seeds), "membership-log");
        if (seeds.Count == 0)
        {
            // The actual bound address, not one computed from the settings: with port 0 only
            // Akka.Remote knows it.
            system.Log.Info("forming a cluster of one at {0} (no seed nodes configured)", cluster.SelfAddress);
            cluster.Join(cluster.SelfAddress);
        }
        else
        {
            system.Log.Info("joining the cluster through seed node(s) {0} as {1}", string.Join(", ", seeds), cluster.SelfAddress);
            cluster.JoinSeedNodes(seeds);
        }
    }
}
