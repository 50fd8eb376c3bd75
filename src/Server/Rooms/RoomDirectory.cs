using ActorGameServer.Protocol;
using ActorGameServer.Server.Actors;
using Akka.Actor;

namespace ActorGameServer.Server.Rooms;

/// <summary>
/// Finds rooms by name: creates a <see cref="RoomActor"/> on the first JOIN and retires it when
/// it is empty. Only joins, ROOMS and WHO pass through here; members talk to their room directly,
/// so relayed traffic never queues behind this one mailbox.
/// </summary>
public sealed class RoomDirectory : UntypedActor
{
    /// <summary>A player asks to join; the room answers the client with <see cref="ClientActor.JoinedRoom"/> or <see cref="ClientActor.JoinRefused"/>.</summary>
    public sealed record Join(string Room, PlayerInfo Player, IActorRef Client, RawJson? Id);

    /// <summary>
    /// WHO, which anyone may ask about any room: forwarded to the room, keeping the sender, or
    /// answered as an empty room when it does not exist. (Members send everything else to their
    /// room directly.)
    /// </summary>
    public sealed record Who(string Room, RawJson? Id);

    /// <summary>The ROOMS command; the listing goes to <paramref name="Client"/>.</summary>
    public sealed record ListRooms(IActorRef Client, RawJson? Id);

    /// <summary>A room's member count changed.</summary>
    public sealed record MemberCount(string Room, int Count);

    /// <summary>A room has no members, having seen <paramref name="JoinsSeen"/> joins in its life.</summary>
    public sealed record Empty(string Room, long JoinsSeen);

    private sealed class Entry(IActorRef room)
    {
        public IActorRef Room { get; } = room;
        public long JoinsSent { get; set; }
        public int Members { get; set; }
    }

    private readonly RoomSettings _settings;
    private readonly Dictionary<string, Entry> _rooms = new(StringComparer.Ordinal);
    private long _roomsCreated; // Makes actor names unique while a retired room is still stopping.

    public RoomDirectory(RoomSettings settings) => _settings = settings;

    public static Props Props(RoomSettings settings) => Akka.Actor.Props.Create(() => new RoomDirectory(settings));

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case Join join:
                OnJoin(join);
                break;
            case Who who when _rooms.TryGetValue(who.Room, out var entry):
                entry.Room.Forward(new RoomActor.Who(who.Id));
                break;
            case Who who:
                Sender.Tell(new ClientActor.Send(ServerFrames.Who(who.Room, [], who.Id)));
                break;
            case ListRooms list:
                var rooms = _rooms.Where(r => r.Value.Members > 0).OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => (r.Key, r.Value.Members));
                list.Client.Tell(new ClientActor.Send(ServerFrames.Rooms(rooms, list.Id)));
                break;
            case MemberCount count when _rooms.TryGetValue(count.Room, out var counted):
                counted.Members = count.Count;
                break;
            case Empty empty when _rooms.TryGetValue(empty.Room, out var emptied) && emptied.JoinsSent == empty.JoinsSeen:
                // No JOIN is on its way to the room, so nobody can be about to enter it.
                Context.Stop(emptied.Room);
                _rooms.Remove(empty.Room);
                break;
            case MemberCount or Empty:
                break; // From a room already retired, or one with a JOIN still on the way.
            default:
                Unhandled(message);
                break;
        }
    }

    private void OnJoin(Join join)
    {
        if (!_rooms.TryGetValue(join.Room, out var entry))
        {
            if (_rooms.Count >= _settings.MaxRooms)
            {
                var error = new ProtocolError(ErrorCode.TooManyRooms, $"the server already holds {_settings.MaxRooms} rooms");
                join.Client.Tell(new ClientActor.JoinRefused(join.Room, ServerFrames.Error(error, join.Id)));
                return;
            }

            entry = new Entry(Context.ActorOf(RoomActor.Props(join.Room, _settings, Self), $"room-{++_roomsCreated}-{Uri.EscapeDataString(join.Room)}"));
            _rooms.Add(join.Room, entry);
        }

        entry.JoinsSent++;
        entry.Room.Forward(join);
    }
}
