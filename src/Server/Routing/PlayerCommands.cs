using ActorGameServer.Protocol;
using ActorGameServer.Server.Actors;
using ActorGameServer.Server.Rooms;

namespace ActorGameServer.Server.Routing;

/// <summary>Handlers for the commands about the player itself and other players: PING, HELLO, DIRECT.</summary>
internal static class PlayerCommands
{
    public static void Ping(IClientSession session, Envelope ping) => session.Send(ServerFrames.Pong(ping));

    /// <summary>
    /// HELLO <c>{"name"}</c> names the player; with <c>"token"</c> it also signs them in: the
    /// token's <c>sub</c> becomes their account and its <c>name</c> claim their name when HELLO has
    /// none. A HELLO without a token keeps an earlier sign-in (it only renames).
    /// </summary>
    public static void Hello(IClientSession session, Envelope request)
    {
        if (session.Rooms.Count > 0)
        {
            Reply.Error(session, request, ErrorCode.BadRequest, "send HELLO before joining rooms, so everyone in a room agrees on your name");
            return;
        }

        var hasName = MessageFields.TryGetString(request.Message, "name", out var raw);
        var hasToken = MessageFields.TryGetString(request.Message, "token", out var token);
        if ((!hasName && MessageFields.GetRaw(request.Message, "name") is not null)
            || (!hasToken && MessageFields.GetRaw(request.Message, "token") is not null)
            || (!hasName && !hasToken))
        {
            Reply.Error(session, request, ErrorCode.BadRequest, "HELLO needs {\"name\": \"...\"}, {\"token\": \"...\"} or both");
            return;
        }

        string? name = null;
        if (hasName && (name = Names.CheckPlayerName(raw!, out var problem)) is null)
        {
            Reply.Error(session, request, ErrorCode.BadName, problem!);
            return;
        }

        var player = session.Player;
        if (hasToken)
        {
            if (session.Settings.Auth.Tokens is not { } tokens)
            {
                Reply.Error(session, request, ErrorCode.BadToken, "sign-in is not enabled on this server; send HELLO without a token");
                return;
            }

            if (tokens.Validate(token!, out var refusal) is not { } signIn)
            {
                Reply.Error(session, request, ErrorCode.BadToken, refusal!);
                return;
            }

            // A name claim that breaks the name rules is ignored rather than refused: the player
            // cannot fix their token, and their account is what the token is for.
            name ??= signIn.Name is { } claimed ? Names.CheckPlayerName(claimed, out _) : null;
            player = player with { Account = signIn.Account };
            if (session.Settings.Auth.SingleSession)
            {
                // Before HELLO_OK, so the older connection is told it is replaced no later than this one is told it is in.
                session.Registry.Tell(new ClientRegistry.SignedIn(signIn.Account), session.Self);
            }
        }

        session.Player = player with { Name = name ?? player.Name };
        session.Send(ServerFrames.HelloOk(session.Player, request.Id));
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
