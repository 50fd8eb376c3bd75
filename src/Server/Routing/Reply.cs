using ActorGameServer.Protocol;
using ActorGameServer.Server.Diagnostics;

namespace ActorGameServer.Server.Routing;

internal static class Reply
{
    /// <summary>An ERROR that answers <paramref name="request"/> (it carries the request's id); the connection stays open.</summary>
    public static void Error(IClientSession session, Envelope request, ErrorCode code, string detail) =>
        session.Send(GameMetrics.ErrorFrame(new ProtocolError(code, detail), request.Id));
}
