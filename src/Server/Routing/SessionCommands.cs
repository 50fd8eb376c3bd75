using ActorGameServer.Protocol;

namespace ActorGameServer.Server.Routing;

/// <summary>Handlers for the commands about the session itself: RESUME and BYE.</summary>
internal static class SessionCommands
{
    public static void Resume(IClientSession session, Envelope request)
    {
        if (!session.IsFirstRequest)
        {
            // Later, the connection's own player may have joined rooms or been seen: merging two
            // players is not what RESUME means.
            Reply.Error(session, request, ErrorCode.BadRequest, "RESUME must be the first request on a connection");
        }
        else if (!MessageFields.TryGetString(request.Message, "session", out var token) || token.Length == 0)
        {
            Reply.Error(session, request, ErrorCode.BadRequest, "RESUME needs {\"session\": \"<the token from WELCOME or RESUMED>\"}");
        }
        else
        {
            session.Resume(token, request.Id);
        }
    }

    public static void Bye(IClientSession session, Envelope request) => session.Bye();
}
