using ActorGameServer.Protocol;
using ActorGameServer.Server.Diagnostics;
using ActorGameServer.Server.Rooms;
using Akka.Actor;
using Envelope = ActorGameServer.Protocol.Envelope;

namespace ActorGameServer.Server.Routing;

/// <summary>Handlers for the room commands: JOIN, LEAVE, RELAY, ROOMS, WHO.</summary>
internal static class RoomCommands
{
    public static void Join(IClientSession session, Envelope request)
    {
        if (!TryGetRoom(session, request, out var room) || DeferWhileJoining(session, room, request))
        {
            return;
        }

        if (session.Rooms.ContainsKey(room))
        {
            Reply.Error(session, request, ErrorCode.AlreadyInRoom, $"you are already in room \"{room}\"");
        }
        else if (session.Rooms.Count >= session.Settings.Rooms.MaxRoomsPerClient)
        {
            Reply.Error(session, request, ErrorCode.TooManyRooms, $"you are already in {session.Settings.Rooms.MaxRoomsPerClient} rooms, the most one player may be in");
        }
        else
        {
            session.Rooms[room] = null; // Joining: known once the room answers.
            session.RoomDirectory.Tell(new RoomDirectory.Join(room, session.Player, session.Self, request.Id), session.Self);
        }
    }

    public static void Leave(IClientSession session, Envelope request)
    {
        if (TryGetRoom(session, request, out var room) && !DeferWhileJoining(session, room, request) && TryGetMembership(session, request, room, out var roomActor))
        {
            roomActor.Tell(new RoomActor.Leave(room, session.Player.UserId, request.Id, Reply: true), session.Self);
            session.Rooms.Remove(room);
        }
    }

    public static void Relay(IClientSession session, Envelope request)
    {
        if (TryGetRoom(session, request, out var room) && !DeferWhileJoining(session, room, request) && TryGetMembership(session, request, room, out var roomActor))
        {
            var data = MessageFields.GetRaw(request.Message, "data") ?? RawJson.Null;
            roomActor.Tell(new RoomActor.Relay(room, session.Player.UserId, data, request.Id, StageTimings.Now()), session.Self);
        }
    }

    public static void Rooms(IClientSession session, Envelope request) =>
        session.RoomDirectory.Tell(new RoomDirectory.ListRooms(session.Self, request.Id), session.Self);

    /// <summary>
    /// A member asks its room, wherever the room lives (the room answers in order with what it
    /// sent the member before); anyone else asks this node's directory, which knows the rooms of
    /// other nodes only as recently as they were published.
    /// </summary>
    public static void Who(IClientSession session, Envelope request)
    {
        if (!TryGetRoom(session, request, out var room) || DeferWhileJoining(session, room, request))
        {
            return;
        }

        if (session.Rooms.TryGetValue(room, out var roomActor) && roomActor is not null)
        {
            roomActor.Tell(new RoomActor.Who(room, request.Id, session.Player.UserId), session.Self);
        }
        else
        {
            session.RoomDirectory.Tell(new RoomDirectory.Who(room, request.Id), session.Self);
        }
    }

    /// <summary>
    /// While this player's JOIN of <paramref name="room"/> is on its way, requests about that room
    /// wait in the client and run when the room answers. Sending them to the room by another path
    /// (through the directory) could let a later RELAY overtake an earlier one; waiting keeps every
    /// request in the order the player sent it, whatever the room decides.
    /// </summary>
    private static bool DeferWhileJoining(IClientSession session, string room, Envelope request)
    {
        if (session.Rooms.TryGetValue(room, out var roomActor) && roomActor is null)
        {
            session.DeferUntilJoinAnswered(room, request);
            return true;
        }

        return false;
    }

    private static bool TryGetRoom(IClientSession session, Envelope request, out string room)
    {
        room = "";
        if (!MessageFields.TryGetString(request.Message, "room", out var name))
        {
            Reply.Error(session, request, ErrorCode.BadRequest, $"{request.Cmd} needs {{\"room\": \"...\"}}");
            return false;
        }

        if (Names.CheckRoomName(name) is { } problem)
        {
            Reply.Error(session, request, ErrorCode.BadRoom, problem);
            return false;
        }

        room = name;
        return true;
    }

    private static bool TryGetMembership(IClientSession session, Envelope request, string room, out IActorRef roomActor)
    {
        if (session.Rooms.TryGetValue(room, out var joined) && joined is not null)
        {
            roomActor = joined;
            return true;
        }

        Reply.Error(session, request, ErrorCode.NotInRoom, $"you are not in room \"{room}\"");
        roomActor = ActorRefs.Nobody;
        return false;
    }
}
