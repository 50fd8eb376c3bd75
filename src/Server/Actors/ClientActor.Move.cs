using ActorGameServer.Protocol;
using ActorGameServer.Server.Configuration;
using ActorGameServer.Server.Diagnostics;
using ActorGameServer.Server.Rooms;
using ActorGameServer.Server.Routing;
using ActorGameServer.Server.Sessions;
using ActorGameServer.Server.Transports;
using Akka.Actor;
using Akka.Event;

namespace ActorGameServer.Server.Actors;

/// <summary>
/// Resume on another node (docs/CLUSTER.md, "Resume on any node"). A player whose connection
/// dropped may reconnect to any node; its session then moves there, because the connection
/// cannot: a new actor of the session starts on that node (the immigrant), takes the connection
/// over as a same-node RESUME does (<see cref="ClientActor.Resume"/>), and takes over each of the
/// player's seats through that node's LocalRoom (<see cref="RoomActor.MoveMember"/>). The old
/// actor (the emigrant) forwards whatever still comes its way, until each room said it sends
/// nothing more that way (<see cref="RoomMovedAway"/>), then says so and stops. Until then the
/// immigrant holds what reaches it by the new way, so every room's pushes stay in order: what the
/// room sent before the move (through the old node) first, what it sent after it then.
/// </summary>
public sealed partial class ClientActor
{
    /// <summary>
    /// From the registry, to a detached session: the client behind <paramref name="Connection"/>,
    /// on the node of <paramref name="Registry"/>, presented this session's token. <paramref name="Token"/> is the next one.
    /// </summary>
    public sealed record Emigrate(IActorRef Registry, IActorRef Connection, RawJson? Id, string Token) : INoSerializationVerificationNeeded;

    /// <summary>From the immigrant, to the emigrant it came from (the sender is the immigrant): forward to me. Crosses nodes.</summary>
    public sealed class MovedHere
    {
        public static readonly MovedHere Instance = new();
    }

    /// <summary>From the emigrant to the immigrant: nothing more comes through the old node. Crosses nodes.</summary>
    public sealed class MoveComplete
    {
        public static readonly MoveComplete Instance = new();
    }

    /// <summary>From the registry of the connection's node to the emigrant: that connection ended before the session got there. Crosses nodes.</summary>
    public sealed class MoveRefused
    {
        public static readonly MoveRefused Instance = new();
    }

    /// <summary>From the old node's LocalRoom to the emigrant: the room sends nothing more for this player that way.</summary>
    public sealed record RoomMovedAway(string Room) : INoSerializationVerificationNeeded;

    /// <summary>From the new node's LocalRoom to the immigrant: the seat is its now, and requests go to <paramref name="RoomActor"/>; null when the player was no longer in the room.</summary>
    public sealed record RoomRebound(string Room, IActorRef? RoomActor) : INoSerializationVerificationNeeded;

    private sealed class MoveTimedOut : INoSerializationVerificationNeeded
    {
        public static readonly MoveTimedOut Instance = new();
    }

    /// <summary>
    /// How long either side of a move waits for the other: an emigrant for its rooms and its
    /// immigrant, an immigrant for the emigrant's word that nothing more comes that way. Each step
    /// is a few hops between live nodes; this bounds a node that stopped answering.
    /// </summary>
    public static readonly TimeSpan MoveTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The emigrant's side of a move.</summary>
    private sealed class Emigration(HashSet<string> roomsToHandOver)
    {
        public HashSet<string> RoomsToHandOver { get; } = roomsToHandOver;

        // What came for the player before the immigrant said where it is.
        public List<object> ForwardLater { get; } = [];

        public IActorRef? Immigrant { get; set; }
    }

    /// <summary>The immigrant's side of a move.</summary>
    private sealed class Immigration(IActorRef emigrant)
    {
        public IActorRef Emigrant { get; } = emigrant;

        // Pushes that came the new way while the old one may still bring older ones; null once it said it is done.
        public List<object>? HeldUntilMoved { get; set; } = [];

        // Its rooms told the others it is back when its seats moved (RoomActor.MoveMember); the hand-over must not say it again.
        public bool Attached { get; set; }

        public ICancelable? Timeout { get; set; }
    }

    // One field each, null unless this actor is moving: most sessions never move.
    private Emigration? _emigration;
    private Immigration? _immigration;

    /// <summary>The immigrant: the session that moved here from another node, detached until its connection is handed over.</summary>
    private ClientActor(MovedSession moved, IActorRef emigrant, GameServerSettings settings, CommandRoutes routes, IActorRef roomDirectory)
    {
        _connection = NoConnection.Instance;
        _connectionReleased = true;
        _settings = settings;
        _outbound = new OutboundQueue(settings.MaxOutboundBytes);
        _session = new PlayerSession(moved.Player.UserId, settings, routes, roomDirectory, this, _log) { Player = moved.Player };
        foreach (var seat in moved.Rooms)
        {
            _session.Rooms[seat.Room] = seat.RoomActor;
        }

        _missed = new Queue<EncodedFrame>(moved.Missed);
        _missedBytes = moved.Missed.Sum(f => f.Length);
        _immigration = new Immigration(emigrant);
    }

    public static Props MovedInProps(MovedSession moved, IActorRef emigrant, GameServerSettings settings, CommandRoutes routes, IActorRef roomDirectory) =>
        Akka.Actor.Props.CreateBy(new MovedInProducer(moved, emigrant, settings, routes, roomDirectory));

    /// <summary>Whether <paramref name="message"/> is about a move this actor is not (or no longer) part of.</summary>
    private static bool IsAboutAMove(object message) =>
        message is Emigrate or MovedHere or MoveComplete or MoveRefused or RoomMovedAway or RoomRebound or MoveTimedOut;

    /// <summary>The immigrant starts detached: it asks for what the emigrant still gets, and for its seats here.</summary>
    private void StartMovedIn(Immigration immigration)
    {
        immigration.Emigrant.Tell(MovedHere.Instance);
        foreach (var room in _session.Rooms.Keys)
        {
            _session.RoomDirectory.Tell(new RoomDirectory.MoveIn(room, _session.Player, Self));
        }

        _resumeExpiry = ScheduleOnce(_settings.Sessions.ResumeWindow, ResumeWindowEnded.Instance);
        immigration.Timeout = ScheduleOnce(MoveTimeout, MoveTimedOut.Instance);
        Become(Detached);
    }

    /// <summary>
    /// The immigrant's filter, in every state: pushes that came the new way wait while the old
    /// way may still bring older ones. Returns true when it took the message.
    /// </summary>
    private bool HoldWhileMovingIn(Immigration immigration, object message)
    {
        switch (message)
        {
            case Send or Relayed when immigration.HeldUntilMoved is { } held && !Sender.Equals(immigration.Emigrant):
                held.Add(message);
                return true;
            case MoveComplete or MoveTimedOut when immigration.HeldUntilMoved is { } held:
                if (message is MoveTimedOut)
                {
                    _log.Warning("{0}: the node this session moved from did not finish handing it over in {1}; going on", Who, MoveTimeout);
                }

                immigration.HeldUntilMoved = null;
                immigration.Timeout?.Cancel();
                ForgetImmigrationIfDone(immigration);
                foreach (var push in held)
                {
                    // To whatever this actor is now: connected, detached, or already moving on again.
                    if (_emigration is not null)
                    {
                        Emigrating(push);
                    }
                    else if (_missed is not null)
                    {
                        Detached(push);
                    }
                    else
                    {
                        OnReceive(push);
                    }
                }

                return true;
            case MoveComplete or MoveTimedOut:
                return true;
            default:
                return false;
        }
    }

    private void ForgetImmigrationIfDone(Immigration immigration)
    {
        if (immigration.HeldUntilMoved is null && immigration.Attached)
        {
            _immigration = null;
        }
    }

    /// <summary>A seat the immigrant asked for: its requests go to the room actor it names, or the player is no longer there.</summary>
    private void OnRoomRebound(RoomRebound rebound)
    {
        if (rebound.RoomActor is { } roomActor)
        {
            _session.OnRoomHere(rebound.Room, roomActor);
        }
        else
        {
            _session.Rooms.Remove(rebound.Room);
        }
    }

    /// <summary>The emigrant: hand the player's state to the connection's node, and forward what comes meanwhile.</summary>
    private void BeginEmigrating(Emigrate emigrate)
    {
        _resumeExpiry?.Cancel();
        var moved = new MovedSession(_session.Player, [.. _session.Rooms.Select(r => new MovedSession.Seat(r.Key, r.Value))], [.. _missed!]);
        _missed = new Queue<EncodedFrame>(); // Not kept any more: what comes now is forwarded.
        _missedBytes = 0;
        _emigration = new Emigration(new HashSet<string>(_session.Rooms.Keys, StringComparer.Ordinal));
        emigrate.Registry.Tell(new ClientRegistry.Immigrate(moved, emigrate.Connection, emigrate.Id, emigrate.Token));
        _resumeExpiry = ScheduleOnce(MoveTimeout, MoveTimedOut.Instance);
        Become(Emigrating);
    }

    /// <summary>Emigrating: forwarding to the immigrant, in order, until every room sends the new way.</summary>
    private void Emigrating(object message)
    {
        var emigration = _emigration!;
        switch (message)
        {
            case Send or Relayed when emigration.Immigrant is { } immigrant:
                immigrant.Tell(message);
                break;
            case Send or Relayed:
                emigration.ForwardLater.Add(message);
                break;
            case MovedHere when emigration.Immigrant is null:
                emigration.Immigrant = Sender;
                foreach (var push in emigration.ForwardLater)
                {
                    Sender.Tell(push);
                }

                emigration.ForwardLater.Clear();
                CompleteMoveIfHandedOver(emigration);
                break;
            case RoomMovedAway away:
                emigration.RoomsToHandOver.Remove(away.Room);
                CompleteMoveIfHandedOver(emigration);
                break;
            case MoveRefused:
                // The client never got the token its RESUMED would have carried, so nobody can resume this session any more.
                _log.Info("{0}: the connection that resumed this session on another node closed before the session got there; ending it", Who);
                EndDetached(CloseReason.ConnectionLost);
                break;
            case MoveTimedOut:
                _log.Warning("{0}: moving this session to another node took over {1} ({2} room(s) not handed over{3}); finishing anyway", Who, MoveTimeout, emigration.RoomsToHandOver.Count, emigration.Immigrant is null ? ", no word from the new node" : "");
                CompleteMove(emigration);
                break;
            case Shutdown:
                CompleteMove(emigration); // This node stops: the session lives on over there.
                break;
            default:
                break; // A kick or anything else for the player: the player is elsewhere now.
        }
    }

    private void CompleteMoveIfHandedOver(Emigration emigration)
    {
        if (emigration.Immigrant is not null && emigration.RoomsToHandOver.Count == 0)
        {
            CompleteMove(emigration);
        }
    }

    private void CompleteMove(Emigration emigration)
    {
        _resumeExpiry?.Cancel();
        emigration.Immigrant?.Tell(MoveComplete.Instance);
        _missed = null;
        StopBecause(CloseReason.Moved, "");
    }

    private sealed class MovedInProducer(MovedSession moved, IActorRef emigrant, GameServerSettings settings, CommandRoutes routes, IActorRef roomDirectory)
        : IIndirectActorProducer
    {
        public Type ActorType => typeof(ClientActor);

        public ActorBase Produce() => new ClientActor(moved, emigrant, settings, routes, roomDirectory);

        public void Release(ActorBase actor)
        {
        }
    }
}
