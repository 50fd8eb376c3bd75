using ActorGameServer.Protocol;
using ActorGameServer.Server.Actors;
using ActorGameServer.Server.Diagnostics;
using Akka.Actor;
using Akka.Cluster;
using Akka.DistributedData;
using Akka.Event;

namespace ActorGameServer.Server.Rooms;

/// <summary>
/// This node's door to the rooms, one per node at <c>/user/rooms</c>. JOIN, ROOMS and WHO pass
/// through here; members then talk to their room through the shard region, so relayed traffic
/// never queues behind this one mailbox. It keeps this node's <see cref="LocalRoom"/>s (creating
/// one for a JOIN, retiring it once empty), answers a starting room who of this node's players is
/// in it, and keeps the cluster's <see cref="RoomListing"/>: this node's rooms published in
/// Distributed Data at most every <see cref="PublishInterval"/>, the other nodes' followed there.
/// </summary>
public sealed class RoomDirectory : UntypedActor, IWithTimers
{
    /// <summary>A player asks to join; the room answers the client with <see cref="ClientActor.JoinedRoom"/> or <see cref="ClientActor.JoinRefused"/>.</summary>
    public sealed record Join(string Room, PlayerInfo Player, IActorRef Client, RawJson? Id) : INoSerializationVerificationNeeded;

    /// <summary>
    /// A session that moved to this node takes over its seat in <paramref name="Room"/>; the room
    /// answers the client with <see cref="ClientActor.RoomRebound"/>. No room cap: the seat exists.
    /// </summary>
    public sealed record MoveIn(string Room, PlayerInfo Player, IActorRef Client) : INoSerializationVerificationNeeded;

    /// <summary>
    /// WHO, which anyone may ask about any room: forwarded to the room, keeping the sender, or
    /// answered as an empty room when no node lists it.
    /// </summary>
    public sealed record Who(string Room, RawJson? Id) : INoSerializationVerificationNeeded;

    /// <summary>The ROOMS command; the listing goes to <paramref name="Client"/>.</summary>
    public sealed record ListRooms(IActorRef Client, RawJson? Id) : INoSerializationVerificationNeeded;

    /// <summary>The admin API's rooms list: answered with <see cref="RoomsByNode"/>, from the same listing as ROOMS.</summary>
    public sealed record ListRoomsByNode : INoSerializationVerificationNeeded
    {
        public static readonly ListRoomsByNode Instance = new();
    }

    public sealed record RoomsByNode(IReadOnlyList<RoomListing.NodeRoom> Rooms) : INoSerializationVerificationNeeded;

    /// <summary>A room whose actor lives on this node has <paramref name="Count"/> members now.</summary>
    public sealed record MemberCount(string Room, int Count) : INoSerializationVerificationNeeded;

    /// <summary>A starting room (on any node) asks who of this node's players is in it; answered with <see cref="RoomActor.MembersHere"/>.</summary>
    public sealed record FindMembers(string Room);

    /// <summary>A LocalRoom has no members left, having seen <paramref name="JoinsSeen"/> joins in its life.</summary>
    public sealed record LocalRoomEmpty(string Room, long JoinsSeen) : INoSerializationVerificationNeeded;

    /// <summary>The directory's name under /user, the same on every node.</summary>
    public const string Name = "rooms";

    /// <summary>How often this node publishes changes to its rooms, and so part of how far behind ROOMS may be about other nodes' rooms.</summary>
    public static readonly TimeSpan PublishInterval = TimeSpan.FromMilliseconds(250);

    private sealed class Publish
    {
        public static readonly Publish Instance = new();
    }

    private sealed class Entry(IActorRef localRoom)
    {
        public IActorRef LocalRoom { get; } = localRoom;
        public long JoinsSent { get; set; }
    }

    private readonly RoomSettings _settings;
    private readonly Func<IActorRef> _region;
    private readonly Dictionary<string, Entry> _localRooms = new(StringComparer.Ordinal);
    private readonly RoomListing _listing = new();
    private readonly Cluster _cluster = Cluster.Get(Context.System);
    private readonly IActorRef _replicator = DistributedData.Get(Context.System).Replicator;
    private readonly Dictionary<IKey, UniqueAddress> _nodesByKey = [];
    private long _localRoomsCreated; // Makes actor names unique while a retired LocalRoom is still stopping.

    /// <param name="region">The rooms' shard region (started after this actor, so asked for when first needed).</param>
    public RoomDirectory(RoomSettings settings, Func<IActorRef> region)
    {
        _settings = settings;
        _region = region;
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(RoomSettings settings, Func<IActorRef> region) =>
        Akka.Actor.Props.Create(() => new RoomDirectory(settings, region));

    protected override void PreStart()
    {
        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents, typeof(ClusterEvent.MemberUp), typeof(ClusterEvent.MemberRemoved));
        Timers.StartPeriodicTimer(nameof(Publish), Publish.Instance, PublishInterval);
    }

    protected override void PostStop() => _cluster.Unsubscribe(Self);

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case Join join:
                OnJoin(join);
                break;
            case MoveIn moveIn:
                LocalRoomFor(moveIn.Room).Tell(moveIn);
                break;
            case Who who when _listing.Contains(who.Room):
                _region().Forward(new RoomActor.Who(who.Room, who.Id));
                break;
            case Who who:
                Sender.Tell(new ClientActor.Send(ServerFrames.Who(who.Room, [], who.Id)));
                break;
            case ListRooms list:
                list.Client.Tell(new ClientActor.Send(ServerFrames.Rooms(_listing.All(), list.Id)));
                break;
            case ListRoomsByNode:
                Sender.Tell(new RoomsByNode([.. _listing.AllByNode(_cluster.SelfAddress)]));
                break;
            case MemberCount count:
                _listing.SetHere(count.Room, count.Count);
                break;
            case FindMembers find when _localRooms.TryGetValue(find.Room, out var entry):
                entry.LocalRoom.Forward(find);
                break;
            case FindMembers find:
                Sender.Tell(new RoomActor.MembersHere(find.Room, [], []));
                break;
            case LocalRoomEmpty empty when _localRooms.TryGetValue(empty.Room, out var emptied) && emptied.JoinsSent == empty.JoinsSeen:
                // No JOIN is on its way to it, so nobody can be about to enter it.
                Context.Stop(emptied.LocalRoom);
                _localRooms.Remove(empty.Room);
                break;
            case LocalRoomEmpty:
                break; // A JOIN is still on its way to it.
            case Publish when _listing.HasChangesToPublish:
                _replicator.Tell(Dsl.Update(RoomListing.KeyOf(_cluster.SelfUniqueAddress), LWWDictionary<string, int>.Empty, WriteLocal.Instance, _listing.PublishChanges(_cluster)));
                break;
            case Publish or UpdateSuccess:
                break;
            case IUpdateResponse failed:
                // Local writes do not fail; if one did, the next change publishes everything since.
                Context.GetLogger().Warning("publishing this node's rooms failed: {0}", failed);
                break;
            case Changed changed when _nodesByKey.TryGetValue(changed.Key, out var node):
                _listing.SetElsewhere(node, changed.Get(RoomListing.KeyOf(node)));
                break;
            case ClusterEvent.MemberUp up when !up.Member.UniqueAddress.Equals(_cluster.SelfUniqueAddress):
                var key = RoomListing.KeyOf(up.Member.UniqueAddress);
                _nodesByKey[key] = up.Member.UniqueAddress;
                _replicator.Tell(Dsl.Subscribe(key, Self));
                break;
            case ClusterEvent.MemberRemoved removed:
                var removedKey = RoomListing.KeyOf(removed.Member.UniqueAddress);
                _nodesByKey.Remove(removedKey);
                _replicator.Tell(Dsl.Unsubscribe(removedKey, Self));
                _listing.Forget(removed.Member.UniqueAddress);
                // Nobody writes that key again (a restarted node has a new uid); every survivor
                // deletes it, which is idempotent, so that removed nodes' lists do not pile up.
                _replicator.Tell(Dsl.Delete(removedKey, WriteLocal.Instance));
                break;
            case ClusterEvent.IMemberEvent or IDeleteResponse:
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void OnJoin(Join join)
    {
        if (!_listing.Contains(join.Room) && !_localRooms.ContainsKey(join.Room) && _listing.Count >= _settings.MaxRooms)
        {
            var error = new ProtocolError(ErrorCode.TooManyRooms, $"the server already holds {_settings.MaxRooms} rooms");
            join.Client.Tell(new ClientActor.JoinRefused(join.Room, GameMetrics.ErrorFrame(error, join.Id)));
            return;
        }

        LocalRoomFor(join.Room).Tell(join);
    }

    /// <summary>This node's LocalRoom of <paramref name="room"/>, created if needed, counting one more JOIN (or move) on its way to it.</summary>
    private IActorRef LocalRoomFor(string room)
    {
        if (!_localRooms.TryGetValue(room, out var entry))
        {
            var localRoom = Context.ActorOf(LocalRoom.Props(room, _region()), $"{++_localRoomsCreated}-{Uri.EscapeDataString(room)}");
            _localRooms.Add(room, entry = new Entry(localRoom));
        }

        entry.JoinsSent++;
        return entry.LocalRoom;
    }
}
