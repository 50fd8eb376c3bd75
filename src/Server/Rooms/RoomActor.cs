using System.Diagnostics;
using ActorGameServer.Protocol;
using ActorGameServer.Server.Actors;
using ActorGameServer.Server.Diagnostics;
using Akka.Actor;

namespace ActorGameServer.Server.Rooms;

/// <summary>
/// One room: its members, their presence, and the fan-out of what they relay. Each relayed
/// frame is encoded once and the same bytes go to every other member. A room sends relayed
/// frames to its members in batches, at most one per <c>rooms.flush-interval</c>, as one message
/// to each member, which its ClientActor writes in one socket write: a busy room costs one write
/// per member per interval instead of one per frame, and a quiet room adds no delay
/// (docs/PERFORMANCE.md, "Performance round 2"). Members are watched, so a player who
/// disconnects for any reason leaves with the same presence notice as LEAVE. When the last
/// member leaves, the room tells the directory, which retires it.
/// </summary>
public sealed class RoomActor : UntypedActor
{
    /// <summary>A member leaves (the reply goes to the sender).</summary>
    public sealed record Leave(long UserId, RawJson? Id);

    /// <summary>
    /// A member relays <paramref name="Data"/> to the others; <paramref name="Id"/> is only for an
    /// ERROR reply. <paramref name="DispatchedAt"/> is for <see cref="StageTimings"/> (0 when off).
    /// </summary>
    public sealed record Relay(long From, RawJson Data, RawJson? Id, long DispatchedAt = 0);

    /// <summary>Who is here? (the reply goes to the sender).</summary>
    public sealed record Who(RawJson? Id);

    private sealed record Member(PlayerInfo Player, IActorRef Client);

    /// <summary>Time to send the members the relayed frames the room holds.</summary>
    private sealed class FlushRelays
    {
        public static readonly FlushRelays Instance = new();
    }

    private readonly string _room;
    private readonly RoomSettings _settings;
    private readonly IActorRef _directory;
    private readonly SortedDictionary<long, Member> _members = [];
    private readonly Dictionary<IActorRef, long> _userIdsByClient = [];
    private long _joinsSeen;

    // Relayed frames not yet sent to the members, oldest first; a new list after every flush,
    // since the members' ClientActors read the one they were sent.
    private List<ClientActor.RelayedFrame> _held = [];
    private ICancelable? _flush; // Scheduled while frames are held (with a flush-interval above 0).
    private bool _flushRequested;
    private long _lastSentTicks; // When the last batch went to the members (Stopwatch ticks).

    public RoomActor(string room, RoomSettings settings, IActorRef directory)
    {
        _room = room;
        _settings = settings;
        _directory = directory;
    }

    public static Props Props(string room, RoomSettings settings, IActorRef directory) =>
        Akka.Actor.Props.Create(() => new RoomActor(room, settings, directory));

    protected override void PostStop() => _flush?.Cancel();

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
            case RoomDirectory.Join join:
                OnJoin(join);
                break;
            case Relay notMember:
                Sender.Tell(new ClientActor.Send(NotInRoom(notMember.Id)));
                break;
            case Leave leave when _members.TryGetValue(leave.UserId, out var leaving):
                Context.Unwatch(leaving.Client);
                Remove(leave.UserId, leaving); // First, so the directory's count is right before the player sees LEFT.
                Sender.Tell(new ClientActor.Send(ServerFrames.Left(_room, leave.Id)));
                break;
            case Leave leave:
                Sender.Tell(new ClientActor.Send(NotInRoom(leave.Id)));
                break;
            case Who who:
                Sender.Tell(new ClientActor.Send(ServerFrames.Who(_room, Players(), who.Id)));
                break;
            case Terminated terminated when _userIdsByClient.TryGetValue(terminated.ActorRef, out var userId):
                Remove(userId, _members[userId]);
                break;
            default:
                Unhandled(message);
                break;
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

    /// <summary>Sends the held frames to every member, one message each (a member skips its own).</summary>
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

        foreach (var member in _members.Values)
        {
            member.Client.Tell(relayed);
        }

        _held = [];
        _lastSentTicks = Stopwatch.GetTimestamp();
    }

    private void OnJoin(RoomDirectory.Join join)
    {
        _joinsSeen++;
        if (_members.ContainsKey(join.Player.UserId))
        {
            join.Client.Tell(new ClientActor.JoinRefused(_room, ServerFrames.Error(new ProtocolError(ErrorCode.AlreadyInRoom, $"you are already in room \"{_room}\""), join.Id)));
            return;
        }

        if (_members.Count >= _settings.MaxMembers)
        {
            join.Client.Tell(new ClientActor.JoinRefused(_room, ServerFrames.Error(new ProtocolError(ErrorCode.RoomFull, $"room \"{_room}\" is full ({_settings.MaxMembers} members)"), join.Id)));
            ReportIfEmpty();
            return;
        }

        Broadcast(ServerFrames.PresenceJoined(_room, join.Player));
        _members.Add(join.Player.UserId, new Member(join.Player, join.Client));
        _userIdsByClient.Add(join.Client, join.Player.UserId);
        Context.Watch(join.Client);
        _directory.Tell(new RoomDirectory.MemberCount(_room, _members.Count)); // Before JOINED, so a ROOMS sent on JOINED counts this player.
        join.Client.Tell(new ClientActor.JoinedRoom(_room, Self, ServerFrames.Joined(_room, Players(), join.Id)));
    }

    private void Remove(long userId, Member member)
    {
        _members.Remove(userId);
        _userIdsByClient.Remove(member.Client);
        Broadcast(ServerFrames.PresenceLeft(_room, userId));
        _directory.Tell(new RoomDirectory.MemberCount(_room, _members.Count));
        ReportIfEmpty();
    }

    private void ReportIfEmpty()
    {
        if (_members.Count == 0)
        {
            _directory.Tell(new RoomDirectory.Empty(_room, _joinsSeen));
        }
    }

    private void Broadcast(EncodedFrame frame)
    {
        foreach (var member in _members.Values)
        {
            member.Client.Tell(new ClientActor.Send(frame));
        }
    }

    private IEnumerable<PlayerInfo> Players() => _members.Values.Select(m => m.Player);

    private EncodedFrame NotInRoom(RawJson? id) =>
        ServerFrames.Error(new ProtocolError(ErrorCode.NotInRoom, $"you are not in room \"{_room}\""), id);
}
