using ActorGameServer.Server.Actors;
using ActorGameServer.Server.Configuration;
using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using ClusterSettings = ActorGameServer.Server.Configuration.ClusterSettings;

namespace ActorGameServer.Server.Hosting;

/// <summary>
/// Makes this node a member of its cluster, and is the one place that decides when it is ready
/// for players: once the node is Up, <see cref="PlayerReadiness"/> says so and the game port is
/// bound. One node alone joins itself;
/// several join their seed nodes. Both are the same code path, so the single box runs what the
/// cluster runs. Leaving is Akka's: CoordinatedShutdown's cluster phases run after the players
/// are told SHUTDOWN (<see cref="GracefulShutdown"/>).
/// </summary>
internal static class ClusterMembership
{
    public static void Join(ActorSystem system, ClusterSettings settings, PlayerReadiness readiness, IActorRef listener)
    {
        var cluster = Cluster.Get(system);
        cluster.RegisterOnMemberUp(() =>
        {
            system.Log.Info("cluster member Up at {0}; accepting players", cluster.SelfAddress);
            readiness.MarkReady(); // Before the bind, so that whoever sees the port bound sees this too.
            listener.Tell(ListenerActor.Listen.Instance);
        });

        if (settings.SeedNodes.Count == 0)
        {
            // The actual bound address, not one computed from the settings: with port 0 only
            // Akka.Remote knows it.
            system.Log.Info("forming a cluster of one at {0} (no seed nodes configured)", cluster.SelfAddress);
            cluster.Join(cluster.SelfAddress);
        }
        else
        {
            var seeds = settings.SeedAddresses(system.Name);
            system.Log.Info("joining the cluster through seed node(s) {0} as {1}", string.Join(", ", seeds), cluster.SelfAddress);
            cluster.JoinSeedNodes(seeds);
        }
    }
}
