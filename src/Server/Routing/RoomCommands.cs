using ActorGameServer.Protocol;
using ActorGameServer.Server.Rooms;

namespace ActorGameServer.Server.Routing;

/// <summary>Handlers for the room commands: JOIN, LEAVE, RELAY, ROOMS, WHO.</summary>
internal static class RoomCommands
{
    public static void Join(IClientSession session, Envelope request)
    {
        if (!TryGetRoom(session, request, out var room))
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
        if (TryGetJoinedRoom(session, request, out var room))
        {
            SendToRoom(session, room, new RoomActor.Leave(session.Player.UserId, request.Id));
            session.Rooms.Remove(room);
        }
    }

    public static void Relay(IClientSession session, Envelope request)
    {
        if (TryGetJoinedRoom(session, request, out var room))
        {
            var data = MessageFields.GetRaw(request.Message, "data") ?? RawJson.Null;
            SendToRoom(session, room, new RoomActor.Relay(session.Player.UserId, data, request.Id));
        }
    }

    public static void Rooms(IClientSession session, Envelope request) =>
        session.RoomDirectory.Tell(new RoomDirectory.ListRooms(session.Self, request.Id), session.Self);

    public static void Who(IClientSession session, Envelope request)
    {
        if (TryGetRoom(session, request, out var room))
        {
            session.RoomDirectory.Tell(new RoomDirectory.ToRoom(room, new RoomActor.Who(request.Id)), session.Self);
        }
    }

    /// <summary>Straight to the room once joined; through the directory while the JOIN is on its way.</summary>
    private static void SendToRoom(IClientSession session, string room, object message)
    {
        if (session.Rooms[room] is { } roomActor)
        {
            roomActor.Tell(message, session.Self);
        }
        else
        {
            session.RoomDirectory.Tell(new RoomDirectory.ToRoom(room, message), session.Self);
        }
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

    private static bool TryGetJoinedRoom(IClientSession session, Envelope request, out string room)
    {
        if (!TryGetRoom(session, request, out room))
        {
            return false;
        }

        if (!session.Rooms.ContainsKey(room))
        {
            Reply.Error(session, request, ErrorCode.NotInRoom, $"you are not in room \"{room}\"");
            return false;
        }

        return true;
    }
}
