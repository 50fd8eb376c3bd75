using System.Net;
using ActorGameServer.Protocol;
using ActorGameServer.Server.Sessions;
using Akka.Actor;

namespace ActorGameServer.Server.Transports;

/// <summary>
/// The connection of a session that arrived from another node before the connection that resumed
/// it is handed over: there is nothing to read, write or close yet. The actor never calls more
/// than <see cref="Release"/> and the names for its log lines on it, since it is detached until the
/// hand-over replaces it.
/// </summary>
public sealed class NoConnection : IClientConnection
{
    public static readonly NoConnection Instance = new();

    private NoConnection()
    {
    }

    public string Transport => "none";

    public EndPoint Remote { get; } = new IPEndPoint(IPAddress.None, 0);

    public IPAddress ClientAddress => IPAddress.None;

    public (CloseReason Reason, string Detail) ClosedBy => (CloseReason.ConnectionLost, "no connection yet");

    public void Start(IActorContext context)
    {
    }

    public bool IsTransportActor(IActorRef sender) => false;

    public ConnectionEvent Interpret(object message) => ConnectionEvent.None;

    public Decoded NextFrame() => throw NotConnected();

    public void SuspendReading()
    {
    }

    public void ResumeReading()
    {
    }

    public void Write(IReadOnlyList<EncodedFrame> frames, int bytes) => throw NotConnected();

    public void Close(CloseReason reason, ErrorCode? error) => throw NotConnected();

    public void Abort() => throw NotConnected();

    public void Release()
    {
    }

    private static InvalidOperationException NotConnected() => new("a session that moved here has no connection until its RESUME hands one over");
}
