using System.Net;
using ActorGameServer.Server.Actors;
using ActorGameServer.Server.Configuration;
using Akka.Actor;
using Akka.Event;
using Microsoft.AspNetCore.Http;

namespace ActorGameServer.Server.Transports.WebSockets;

/// <summary>
/// <c>/ws</c>: upgrades the request, asks the <see cref="ClientRegistry"/> to admit the player
/// (the same caps as TCP), and then runs the connection for as long as it lives. Everything
/// after the upgrade is the shared session; this is only the door.
/// </summary>
internal sealed class WebSocketEndpoint(GameServerSettings settings, IActorRef registry, ILoggingAdapter log)
{
    public const string Path = "/ws";

    private static readonly TimeSpan AdmitTimeout = TimeSpan.FromSeconds(10);

    public async Task HandleAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            // A plain GET (a browser tab, a health checker pointed at the wrong path).
            context.Response.StatusCode = StatusCodes.Status426UpgradeRequired;
            context.Response.Headers.Upgrade = "websocket";
            await context.Response.WriteAsync("This is the ActorGameServer WebSocket endpoint: connect with a WebSocket client (ws:// or wss://).\n");
            return;
        }

        var origin = context.Request.Headers.Origin.ToString();
        if (!settings.Http.IsOriginAllowed(origin, context.Request.Host.Value ?? ""))
        {
            log.Info("refused a WebSocket from {0}: origin {1} is not in game-server.http.allowed-origins", context.Connection.RemoteIpAddress, origin);
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return;
        }

        var peer = new IPEndPoint(CapAddress.Of(context.Connection.RemoteIpAddress), context.Connection.RemotePort);
        var client = ClientAddress.Resolve(peer.Address, context.Request.Headers["X-Forwarded-For"], settings.Http);
        var remote = client.Equals(peer.Address) ? peer : new IPEndPoint(client, 0);

        using var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
        {
            KeepAliveInterval = settings.Http.WebSocketKeepAlive,
            DangerousEnableCompression = false, // Compression would let a small message inflate past max-payload.
        });
        var connection = new WebSocketConnection(socket, remote, client, settings.MaxPayload, settings.MaxJsonDepth, settings.CloseTimeout);

        object answer;
        try
        {
            answer = await registry.Ask<object>(new ClientRegistry.Admit(connection), AdmitTimeout, context.RequestAborted);
        }
        catch (Exception e) when (e is AskTimeoutException or OperationCanceledException)
        {
            socket.Abort(); // The server is stopping, or the client left while it waited.
            return;
        }

        switch (answer)
        {
            case ClientRegistry.Admitted admitted:
                await connection.RunAsync(admitted.Client);
                break;
            case ClientRegistry.Refused refused:
                await connection.RejectAsync(refused.Error);
                break;
        }
    }
}
