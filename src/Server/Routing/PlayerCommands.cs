using ActorGameServer.Protocol;
using ActorGameServer.Server.Actors;
using ActorGameServer.Server.Rooms;

namespace ActorGameServer.Server.Routing;

/// <summary>Handlers for the commands about the player itself and other players: PING, HELLO, DIRECT.</summary>
internal static class PlayerCommands
{
    public static void Ping(IClientSession session, Envelope ping) => session.Send(ServerFrames.Pong(ping));

    public static void Hello(IClientSession session, Envelope request)
    {
        if (session.Rooms.Count > 0)
        {
            Reply.Error(session, request, ErrorCode.BadRequest, "send HELLO before joining rooms, so everyone in a room agrees on your name");
        }
        else if (!MessageFields.TryGetString(request.Message, "name", out var raw))
        {
            Reply.Error(session, request, ErrorCode.BadRequest, "HELLO needs {\"name\": \"...\"}");
        }
        else if (Names.CheckPlayerName(raw, out var problem) is not { } name)
        {
            Reply.Error(session, request, ErrorCode.BadName, problem!);
        }
        else
        {
            session.Player = session.Player with { Name = name };
            session.Send(ServerFrames.HelloOk(session.Player, request.Id));
        }
    }

    public static void Direct(IClientSession session, Envelope request)
    {
        if (!MessageFields.TryGetInt64(request.Message, "to", out var to))
        {
            Reply.Error(session, request, ErrorCode.BadRequest, "DIRECT needs {\"to\": <user_id>, \"data\": ...}");
            return;
        }

        var data = MessageFields.GetRaw(request.Message, "data") ?? RawJson.Null;
        session.Registry.Tell(new ClientRegistry.Direct(session.Player.UserId, to, data, request.Id), session.Self);
    }
}
