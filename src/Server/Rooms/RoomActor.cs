using System.Diagnostics;
using ActorGameServer.Protocol;
using ActorGameServer.Server.Actors;
using ActorGameServer.Server.Diagnostics;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;

namespace ActorGameServer.Server.Rooms;

/// <summary>
/// One room of the cluster, wherever its members are: a Cluster.Sharding entity keyed by the
/// room's name (<see cref="RoomSharding"/>), so there is exactly one per name while the nodes are
/// up. It is the room's order: membership, presence, and the relays, which it batches, at most one
/// batch per <c>rooms.flush-interval</c> (docs/PERFORMANCE.md, "Performance round 2").
/// <para>
/// Its members' ClientActors are reached through one <see cref="LocalRoom"/> per node, which
/// fans out there: a batch crosses to another node once, whatever the number of members there,
/// and a batch for this node's members is never serialized.
/// </para>
/// <para>
/// The room keeps no state that outlives it. A new incarnation (the first JOIN, or the room
/// coming back after its node stopped or died) first asks every node's <see cref="RoomDirectory"/>
/// who of theirs is in the room, holding every other message until all answered: the members
/// carry on without sending JOIN again, and those that nobody reports any more (their node died)
/// are announced as left. Empty, it asks its shard to passivate it.
/// </para>
/// </summary>
public sealed class RoomActor : UntypedActor, IWithUnboundedStash, IWithTimers
{
    /// <summary>
    /// A player joins; sent by the <see cref="LocalRoom"/> of the player's node, which gets the
    /// answer (<see cref="LocalRoom.Added"/> or <see cref="LocalRoom.Refused"/>).
    /// </summary>
    public sealed record Join(string Room, PlayerInfo Player, IActorRef Client, RawJson? Id) : IRoomMessage;

    /// <summary>
    /// A member leaves: LEAVE (sent by its ClientActor, <paramref name="Reply"/> true: LEFT
    /// goes back through its LocalRoom) or its connection ended (sent by the LocalRoom, no reply).
    /// </summary>
    public sealed record Leave(string Room, long UserId, RawJson? Id, bool Reply) : IRoomMessage;

    /// <summary>
    /// A member relays <paramref name="Data"/> to the others; sent by its ClientActor, which gets
    /// an ERROR (with <paramref name="Id"/>) if it is not a member. <paramref name="DispatchedAt"/>
    /// is for <see cref="StageTimings"/> (0 when off).
    /// </summary>
    public sealed record Relay(string Room, long From, RawJson Data, RawJson? Id, long DispatchedAt = 0) : IRoomMessage;

    /// <summary>
    /// Who is here? The reply goes to the sender; to a member (<paramref name="AskedBy"/>) through
    /// its LocalRoom, so it comes after the relays and presence the room sent that member before.
    /// </summary>
    public sealed record Who(string Room, RawJson? Id, long AskedBy = 0) : IRoomMessage;

    /// <summary>
    /// A member's connection dropped and its session waits for a RESUME (<paramref name="Away"/>
    /// true), or it resumed (false): the other members see PRESENCE away or back. Sent by the
    /// member's ClientActor, and taken only from it.
    /// </summary>
    public sealed record AwayOrBack(string Room, long UserId, bool Away) : IRoomMessage;

    /// <summary>
    /// A member's session moved to another node with its new connection (a RESUME there): from
    /// now on it is <paramref name="Client"/>, reached through the sending LocalRoom. Nobody sees
    /// it leave; the others see it back. Answered with <see cref="LocalRoom.Rebound"/>; its old
    /// LocalRoom is told <see cref="LocalRoom.MovedAway"/> after everything the room sent it before.
    /// </summary>
    public sealed record MoveMember(string Room, PlayerInfo Player, IActorRef Client) : IRoomMessage;

    /// <summary>
    /// Come back: a LocalRoom with members saw this room's actor stop (its node stopped or died, or
    /// its shard moved). Any message would start the room again; this one does nothing else.
    /// </summary>
    public sealed record Wake(string Room) : IRoomMessage;

    /// <summary>
    /// A node's answer to a new incarnation: its players in this room, and every member its
    /// LocalRoom knew of (on any node), to tell who is gone. Sent by the LocalRoom, or by the
    /// directory when the node has none.
    /// </summary>
    public sealed record MembersHere(string Room, IReadOnlyList<LocalRoom.Member> Members, IReadOnlyList<PlayerInfo> Known);

    /// <summary>A member's ClientActor holds its requests from now on (<see cref="ClientActor.RoomMoving"/>). Crosses nodes.</summary>
    public sealed class Moved
    {
        public static readonly Moved Instance = new();
    }

    /// <summary>Flush and stop: how the shard stops this room (passivation, hand-off). Never crosses nodes.</summary>
    public sealed class Stop : INoSerializationVerificationNeeded
    {
        public static readonly Stop Instance = new();
    }

    private sealed record Member(PlayerInfo Player, IActorRef Client, IActorRef LocalRoom);

    // The room's own timers never leave it (INoSerializationVerificationNeeded), so tests that serialize every message spare them.
    /// <summary>Time to send the members the relayed frames the room holds.</summary>
    private sealed class FlushRelays : INoSerializationVerificationNeeded
    {
        public static readonly FlushRelays Instance = new();
    }

    /// <summary>Some member did not confirm in time (its node may be unreachable); stop anyway.</summary>
    private sealed class StopMoving : INoSerializationVerificationNeeded
    {
        public static readonly StopMoving Instance = new();
    }

    /// <summary>
    /// How long a stopping room waits for its members to confirm they hold their requests. A
    /// ClientActor answers at once, in any state; this bounds a member on a node that stopped
    /// answering (it would be downed soon anyway).
    /// </summary>
    private static readonly TimeSpan MovingTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Some node did not answer the start-up question in time; go on without it.</summary>
    private sealed class StopWaiting : INoSerializationVerificationNeeded
    {
        public static readonly StopWaiting Instance = new();
    }

    private readonly string _room;
    private readonly RoomSettings _settings;
    private readonly IActorRef _directory;
    private readonly Func<IReadOnlyList<ICanTell>> _directories;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly SortedDictionary<long, Member> _members = [];
    private readonly Dictionary<IActorRef, int> _membersPerLocalRoom = [];

    // While starting: the nodes that have not answered yet, and every member anyone knew of.
    private int _unanswered;
    private int _stashed;
    private readonly Dictionary<long, PlayerInfo> _known = [];

    // Relayed frames not yet sent to the members, oldest first; a new list after every flush,
    // since the LocalRooms and ClientActors read the one they were sent.
    private List<ClientActor.RelayedFrame> _held = [];
    private ICancelable? _flush; // Scheduled while frames are held (with a flush-interval above 0).
    private bool _flushRequested;
    private long _lastSentTicks; // When the last batch went to the members (Stopwatch ticks).
    private bool _passivating;

    /// <param name="room">The room's name, which is its entity id.</param>
    /// <param name="directory">This node's <see cref="RoomDirectory"/>, told the member count for ROOMS.</param>
    /// <param name="directories">Every node's directory (this one's included), asked who is in the room when it starts.</param>
    public RoomActor(string room, RoomSettings settings, IActorRef directory, Func<IReadOnlyList<ICanTell>> directories)
    {
        _room = room;
        _settings = settings;
        _directory = directory;
        _directories = directories;
    }

    public IStash Stash { get; set; } = null!;

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(string room, RoomSettings settings, IActorRef directory, Func<IReadOnlyList<ICanTell>> directories) =>
        Akka.Actor.Props.Create(() => new RoomActor(room, settings, directory, directories));

    protected override void PreStart()
    {
        GameMetrics.RoomsChanged(+1);
        var directories = _directories();
        _unanswered = directories.Count;
        foreach (var directory in directories)
        {
            directory.Tell(new RoomDirectory.FindMembers(_room), Self);
        }

        Timers.StartSingleTimer(nameof(StopWaiting), StopWaiting.Instance, _settings.StartTimeout);
        Become(Starting);
    }

    protected override void PostStop()
    {
        GameMetrics.RoomsChanged(-1);
        _flush?.Cancel();
        _log.Info("room \"{0}\" stopped on this node ({1})", _room, _members.Count == 0 ? "empty" : $"moving, with {_members.Count} member(s)");
        _directory.Tell(new RoomDirectory.MemberCount(_room, 0)); // Listed by the node it starts on next, if any.
    }

    /// <summary>Starting: collecting the nodes' answers; everything else waits, in order.</summary>
    private void Starting(object message)
    {
        switch (message)
        {
            case MembersHere here:
                Adopt(here, announce: false);
                if (--_unanswered <= 0)
                {
                    Started();
                }

                break;
            case StopWaiting:
                _log.Warning("room \"{0}\": {1} node(s) did not say who of theirs is in the room within {2}; going on without them", _room, _unanswered, _settings.StartTimeout);
                Started();
                break;
            case Stop:
                // Stopped (handed off) before every node answered: what waited is handled first
                // rather than lost (the shard sends nothing more after its Stop, so this Stop to
                // self comes after all of it), and the members found so far, told where this
                // incarnation is, are told to hold again.
                Timers.Cancel(nameof(StopWaiting));
                Become(OnReceive);
                Stash.UnstashAll();
                Self.Tell(Stop.Instance);
                break;
            default:
                Stash.Stash();
                _stashed++;
                break;
        }
    }

    private void Started()
    {
        Timers.Cancel(nameof(StopWaiting));
        // Known to a surviving node but reported by none: its node is gone, and so is the player.
        var gone = _known.Keys.Where(userId => !_members.ContainsKey(userId)).ToList();
        foreach (var userId in gone)
        {
            Broadcast(new LocalRoom.PresenceLeft(userId, ServerFrames.PresenceLeft(_room, userId)));
        }

        // One line per room start and stop, like the registry's per connection: where each room
        // lives is what an operator asks first when players on a failed node come back.
        _log.Info("room \"{0}\" started on this node with {1} member(s) from {2} node(s){3}", _room, _members.Count, _membersPerLocalRoom.Count, gone.Count > 0 ? $"; {gone.Count} gone with their node" : "");

        _known.Clear();
        _directory.Tell(new RoomDirectory.MemberCount(_room, _members.Count));
        Become(OnReceive);
        Stash.UnstashAll();
        if (_stashed == 0)
        {
            PassivateIfEmpty(); // Otherwise after what waited: a JOIN among it fills the room.
        }
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case Relay relay when _members.ContainsKey(relay.From):
                Hold(relay);
                return;
            case FlushRelays:
                _flushRequested = false;
                SendHeld();
                return;
        }

        // Whatever the room sends next (presence, JOINED, LEFT, an error) follows the relays
        // that came before it, for every member.
        SendHeld();
        switch (message)
        {
            case Join join:
                OnJoin(join);
                break;
            case Relay notMember:
                Sender.Tell(new ClientActor.Send(NotInRoom(notMember.Id)));
                break;
            // A LocalRoom's Leave (its client stopped) counts only while the member is still reached
            // through it: a member whose session moved to another node is someone else's now.
            case Leave leave when _members.TryGetValue(leave.UserId, out var leaving) && (leave.Reply || leaving.LocalRoom.Equals(Sender)):
                Remove(leave.UserId, leaving, leave.Reply ? ServerFrames.Left(_room, leave.Id) : null);
                break;
            case Leave { Reply: true } leave:
                Sender.Tell(new ClientActor.Send(NotInRoom(leave.Id)));
                break;
            case AwayOrBack change when _members.TryGetValue(change.UserId, out var changing) && changing.Client.Equals(Sender):
                var presence = change.Away ? ServerFrames.PresenceAway(_room, change.UserId) : ServerFrames.PresenceBack(_room, change.UserId);
                Broadcast(new LocalRoom.PresenceAbout(change.UserId, presence));
                break;
            case MoveMember move:
                OnMoveMember(move);
                break;
            case Leave or Wake or AwayOrBack:
                break; // A connection that ended after its member was already gone; or started, as asked.
            case Who who when _members.TryGetValue(who.AskedBy, out var asker) && asker.Client.Equals(Sender):
                asker.LocalRoom.Tell(new LocalRoom.Reply(who.AskedBy, ServerFrames.Who(_room, Players(), who.Id)));
                break;
            case Who who:
                Sender.Tell(new ClientActor.Send(ServerFrames.Who(_room, Players(), who.Id)));
                break;
            case MembersHere late:
                Adopt(late, announce: true); // A node that answered after the room stopped waiting.
                break;
            case Terminated terminated when _membersPerLocalRoom.ContainsKey(terminated.ActorRef):
                // A node's LocalRoom stopped: its node left or died (it stops by itself only when
                // its members are gone, and each of those left through here first).
                foreach (var (userId, member) in _members.Where(m => m.Value.LocalRoom.Equals(terminated.ActorRef)).ToList())
                {
                    Remove(userId, member, reply: null);
                }

                break;
            case Stop:
                BeginStopping();
                break;
            case StopWaiting:
                break;
            default:
                Unhandled(message);
                break;
        }

        PassivateIfEmpty(); // After a refusal, a LEAVE, a WHO or a wake-up that found nobody.
    }

    /// <summary>
    /// The shard stops this room (it is empty, or it moves to another node). Members send their
    /// requests straight to this actor, and what reached it after it stopped would be lost: so it
    /// first tells each member to hold its requests for the next incarnation, and waits until each
    /// confirmed. Their earlier requests are in this mailbox before their confirmation, and are
    /// handled as usual meanwhile. The next incarnation tells them where it is (<see cref="Adopt"/>).
    /// </summary>
    private void BeginStopping()
    {
        var unconfirmed = new HashSet<IActorRef>();
        var told = new HashSet<IActorRef>();
        TellMembersToHold(told, unconfirmed);
        if (unconfirmed.Count == 0)
        {
            Context.Stop(Self);
            return;
        }

        Timers.StartSingleTimer(nameof(StopMoving), StopMoving.Instance, MovingTimeout);
        Become(message => Moving(message, told, unconfirmed));
    }

    /// <summary>Tells each member not told yet to hold its requests, and waits for it.</summary>
    private void TellMembersToHold(HashSet<IActorRef> told, HashSet<IActorRef> unconfirmed)
    {
        foreach (var member in _members.Values.Where(m => !told.Contains(m.Client)))
        {
            told.Add(member.Client);
            unconfirmed.Add(member.Client);
            Context.Watch(member.Client); // A client that is gone (or whose node is) confirms nothing.
            member.Client.Tell(new ClientActor.RoomMoving(_room));
        }
    }

    /// <summary>Moving: waiting for the members to confirm they hold their requests.</summary>
    private void Moving(object message, HashSet<IActorRef> told, HashSet<IActorRef> unconfirmed)
    {
        switch (message)
        {
            case Moved when unconfirmed.Remove(Sender):
                Context.Unwatch(Sender);
                break;
            case Terminated terminated when unconfirmed.Remove(terminated.ActorRef):
                break;
            case StopMoving:
                _log.Warning("room \"{0}\": {1} member(s) on this node did not confirm the move in {2}; stopping anyway", _room, unconfirmed.Count, MovingTimeout);
                unconfirmed.Clear();
                break;
            case Stop or Moved:
                return;
            default:
                OnReceive(message);
                TellMembersToHold(told, unconfirmed); // A JOIN that was already in the mailbox.
                return;
        }

        if (unconfirmed.Count == 0)
        {
            SendHeld();
            Context.Stop(Self);
        }
    }

    /// <summary>A node's members, from its answer to the start-up question (or a late one).</summary>
    private void Adopt(MembersHere here, bool announce)
    {
        foreach (var known in here.Known)
        {
            _known.TryAdd(known.UserId, known);
        }

        foreach (var member in here.Members.Where(m => !_members.ContainsKey(m.Player.UserId)))
        {
            if (announce)
            {
                Broadcast(new LocalRoom.PresenceJoined(member.Player, ServerFrames.PresenceJoined(_room, member.Player)));
            }

            Add(new Member(member.Player, member.Client, Sender));
            member.Client.Tell(new ClientActor.RoomHere(_room, Self)); // It may hold requests for the room since its last incarnation stopped.
        }

        if (announce)
        {
            _directory.Tell(new RoomDirectory.MemberCount(_room, _members.Count));
        }
    }

    private void Hold(Relay relay)
    {
        StageTimings.Record(Stage.DispatchedToRoom, relay.DispatchedAt);
        _held.Add(new ClientActor.RelayedFrame(relay.From, ServerFrames.Relay(_room, relay.From, relay.Data), StageTimings.Now()));
        if (_flushRequested)
        {
            return; // The batch this one joins is already due.
        }

        // At most one batch per flush-interval, like Nagle's algorithm: a relay that finds the
        // room quiet for a whole interval goes out at once (behind whatever else is already in
        // the mailbox, so relays that arrived together still leave together); in a busy room it
        // waits for the interval since the last batch to pass.
        _flushRequested = true;
        var wait = _settings.FlushInterval - Stopwatch.GetElapsedTime(_lastSentTicks);
        if (wait > TimeSpan.Zero)
        {
            _flush = Context.System.Scheduler.ScheduleTellOnceCancelable(wait, Self, FlushRelays.Instance, Self);
        }
        else
        {
            Self.Tell(FlushRelays.Instance);
        }
    }

    /// <summary>Sends the held frames to every node with members, one message each (a member skips its own).</summary>
    private void SendHeld()
    {
        if (_held.Count == 0)
        {
            return;
        }

        var relayed = new ClientActor.Relayed(_held, StageTimings.Now());
        if (StageTimings.Enabled) // So the loop is not run per flush for nothing when timings are off.
        {
            foreach (var frame in _held)
            {
                StageTimings.Record(Stage.HeldByRoom, frame.HeldAt);
            }
        }

        Broadcast(relayed);
        _held = [];
        _lastSentTicks = Stopwatch.GetTimestamp();
    }

    private void OnJoin(Join join)
    {
        var userId = join.Player.UserId;
        if (_members.ContainsKey(userId))
        {
            Sender.Tell(new LocalRoom.Refused(userId, GameMetrics.ErrorFrame(new ProtocolError(ErrorCode.AlreadyInRoom, $"you are already in room \"{_room}\""), join.Id)));
            return;
        }

        if (_members.Count >= _settings.MaxMembers)
        {
            Sender.Tell(new LocalRoom.Refused(userId, GameMetrics.ErrorFrame(new ProtocolError(ErrorCode.RoomFull, $"room \"{_room}\" is full ({_settings.MaxMembers} members)"), join.Id)));
            return;
        }

        Broadcast(new LocalRoom.PresenceJoined(join.Player, ServerFrames.PresenceJoined(_room, join.Player)));
        Add(new Member(join.Player, join.Client, Sender));
        _directory.Tell(new RoomDirectory.MemberCount(_room, _members.Count)); // Before JOINED, so a ROOMS sent on JOINED counts this player.
        var players = Players().ToList();
        Sender.Tell(new LocalRoom.Added(userId, players, ServerFrames.Joined(_room, players, join.Id)));
    }

    /// <summary>
    /// The member's session moved (<see cref="MoveMember"/>): same seat, new client and LocalRoom.
    /// The old LocalRoom hears of it after every frame the room sent it for this member, which is
    /// how the moved session knows nothing more comes that way.
    /// </summary>
    private void OnMoveMember(MoveMember move)
    {
        var userId = move.Player.UserId;
        if (!_members.TryGetValue(userId, out var moving))
        {
            Sender.Tell(new LocalRoom.Rebound(userId, Member: false)); // It left meanwhile (its window ran out, say).
            return;
        }

        _members.Remove(userId);
        ForgetLocalRoomOf(moving);
        moving.LocalRoom.Tell(new LocalRoom.MovedAway(userId));
        Add(new Member(move.Player, move.Client, Sender));
        Sender.Tell(new LocalRoom.Rebound(userId, Member: true));
        Broadcast(new LocalRoom.PresenceAbout(userId, ServerFrames.PresenceBack(_room, userId)));
    }

    private void Add(Member member)
    {
        _members.Add(member.Player.UserId, member);
        if (_membersPerLocalRoom.TryGetValue(member.LocalRoom, out var count))
        {
            _membersPerLocalRoom[member.LocalRoom] = count + 1;
        }
        else
        {
            _membersPerLocalRoom[member.LocalRoom] = 1;
            Context.Watch(member.LocalRoom); // Its node leaving or dying takes its members with it.
        }
    }

    private void Remove(long userId, Member member, EncodedFrame? reply)
    {
        _members.Remove(userId);
        member.LocalRoom.Tell(new LocalRoom.Removed(userId, reply)); // First, so the leaver is not told of its own leaving.
        ForgetLocalRoomOf(member);
        Broadcast(new LocalRoom.PresenceLeft(userId, ServerFrames.PresenceLeft(_room, userId)));
        _directory.Tell(new RoomDirectory.MemberCount(_room, _members.Count));
    }

    /// <summary>One member fewer reached through its LocalRoom; a LocalRoom with none left is not watched any more.</summary>
    private void ForgetLocalRoomOf(Member member)
    {
        var remaining = _membersPerLocalRoom[member.LocalRoom] - 1;
        if (remaining == 0)
        {
            _membersPerLocalRoom.Remove(member.LocalRoom);
            Context.Unwatch(member.LocalRoom);
        }
        else
        {
            _membersPerLocalRoom[member.LocalRoom] = remaining;
        }
    }

    /// <summary>
    /// An empty room asks its shard to stop it; the shard holds whatever comes for the room
    /// meanwhile and starts a new incarnation for it. (A JOIN that reached this one after the
    /// request is not lost either: its member's LocalRoom sees the room stop and wakes it, and
    /// the new incarnation finds the member.)
    /// </summary>
    private void PassivateIfEmpty()
    {
        if (_members.Count == 0 && !_passivating)
        {
            _passivating = true;
            Context.Parent.Tell(new Passivate(Stop.Instance));
        }
    }

    /// <summary>Sends <paramref name="message"/> to every node with members, once per node.</summary>
    private void Broadcast(object message)
    {
        foreach (var localRoom in _membersPerLocalRoom.Keys)
        {
            localRoom.Tell(message);
        }
    }

    private IEnumerable<PlayerInfo> Players() => _members.Values.Select(m => m.Player);

    private EncodedFrame NotInRoom(RawJson? id) =>
        GameMetrics.ErrorFrame(new ProtocolError(ErrorCode.NotInRoom, $"you are not in room \"{_room}\""), id);
}
