using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;

namespace ActorGameServer.Server.Rooms;

/// <summary>
/// Rooms as Cluster.Sharding entities: one <see cref="RoomActor"/> per room name in the whole
/// cluster, on whichever node sharding puts it, reached through this node's shard region by
/// name (<see cref="IRoomMessage"/>). A cluster of one runs the very same code: its one node holds
/// every shard.
/// </summary>
public static class RoomSharding
{
    /// <summary>The entity type's name, which names the region actor too (/system/sharding/room).</summary>
    public const string TypeName = "room";

    /// <summary>
    /// Rooms are spread over this many shards, the unit sharding places on a node and moves. Ten
    /// per node for the largest cluster expected is Akka's advice; fixed for the life of a
    /// cluster (every node must agree), so it is not a setting.
    /// </summary>
    public const int Shards = 100;

    /// <summary>Starts this node's shard region; rooms created here report to <paramref name="directory"/>.</summary>
    public static IActorRef Start(ActorSystem system, RoomSettings settings, IActorRef directory)
    {
        var sharding = ClusterSharding.Get(system);
        var shardingSettings = ClusterShardingSettings.Create(system);
        return sharding.Start(
            TypeName,
            room => RoomActor.Props(room, settings, directory, () => Directories(system)),
            shardingSettings,
            new RoomMessages(),
            sharding.DefaultShardAllocationStrategy(shardingSettings),
            RoomActor.Stop.Instance);
    }

    /// <summary>
    /// The directory of every node that may have players: Up (or Leaving, still closing) and
    /// reachable. A node that is unreachable is not waited for; if it comes back, its answer to
    /// the room is late, and the room adopts its members then.
    /// </summary>
    private static IReadOnlyList<ICanTell> Directories(ActorSystem system)
    {
        var state = Cluster.Get(system).State;
        return [.. state.Members
            .Where(m => (m.Status is MemberStatus.Up or MemberStatus.WeaklyUp or MemberStatus.Leaving) && !state.Unreachable.Contains(m))
            .Select(m => system.ActorSelection(new RootActorPath(m.Address) / "user" / RoomDirectory.Name))];
    }

    /// <summary>The room's name is the entity id, and the message goes to the room as it is.</summary>
    private sealed class RoomMessages() : HashCodeMessageExtractor(Shards)
    {
        public override string? EntityId(object message) => (message as IRoomMessage)?.Room;
    }
}
