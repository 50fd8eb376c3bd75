using System.Net;
using ActorGameServer.Protocol;
using ActorGameServer.Server.Sessions;
using Akka.Actor;

namespace ActorGameServer.Server.Transports;

/// <summary>What a message from the transport means to the connection's actor.</summary>
public enum ConnectionEvent
{
    /// <summary>Not a transport message.</summary>
    None,

    /// <summary>Bytes arrived; <see cref="IClientConnection.NextFrame"/> returns the frames they complete.</summary>
    Received,

    /// <summary>The write in flight reached the socket; the next one may start.</summary>
    Written,

    /// <summary>The transport refused a write; the connection must be aborted.</summary>
    WriteFailed,

    /// <summary>The connection is gone; <see cref="IClientConnection.ClosedBy"/> says how.</summary>
    Closed,
}

/// <summary>
/// One player's wire, as its <c>ClientActor</c> sees it: everything that differs between TCP and
/// WebSocket, and nothing else. Every member is called from inside that actor, one message at a
/// time; the transport reports back by telling the actor messages that <see cref="Interpret"/>
/// understands. The session above it, the write queue and the close sequence are shared.
/// </summary>
public interface IClientConnection
{
    /// <summary>"tcp" or "websocket", for logs.</summary>
    string Transport { get; }

    /// <summary>The peer as the socket sees it (a proxy, when there is one).</summary>
    EndPoint Remote { get; }

    /// <summary>The player's own address, which the per-address cap counts against.</summary>
    IPAddress ClientAddress { get; }

    /// <summary>Called once, as the actor starts: register with the transport.</summary>
    void Start(IActorContext context);

    /// <summary>
    /// Whether <paramref name="sender"/> is this connection's own transport actor (Akka.IO's
    /// connection actor, which acknowledges writes to whoever wrote). Lets a session that took
    /// over another connection tell this one's events from late ones of the connection it let go.
    /// </summary>
    bool IsTransportActor(IActorRef sender);

    /// <summary>What <paramref name="message"/> means, if the transport sent it.</summary>
    ConnectionEvent Interpret(object message);

    /// <summary>After <see cref="ConnectionEvent.Received"/>: the next complete frame, until it needs more data.</summary>
    Decoded NextFrame();

    /// <summary>After <see cref="ConnectionEvent.Closed"/>: how the connection ended, as the transport saw it.</summary>
    (CloseReason Reason, string Detail) ClosedBy { get; }

    /// <summary>
    /// Stop reading from the socket until <see cref="ResumeReading"/>, so what the client sends
    /// waits in the kernel (and TCP flow control slows it). What was read before this reached the
    /// transport may still arrive as <see cref="ConnectionEvent.Received"/>.
    /// </summary>
    void SuspendReading();

    /// <summary>Read from the socket again after <see cref="SuspendReading"/>.</summary>
    void ResumeReading();

    /// <summary>
    /// Writes <paramref name="frames"/> in order, as one write; <see cref="ConnectionEvent.Written"/>
    /// follows. The caller keeps one write in flight and leaves the list untouched until then.
    /// </summary>
    void Write(IReadOnlyList<EncodedFrame> frames, int bytes);

    /// <summary>
    /// Everything was written; close gracefully (TCP half-close, WebSocket close frame with a
    /// status that fits <paramref name="reason"/> and <paramref name="error"/>) and wait for the peer.
    /// </summary>
    void Close(CloseReason reason, ErrorCode? error);

    /// <summary>Reset the connection now; <see cref="ConnectionEvent.Closed"/> follows.</summary>
    void Abort();

    /// <summary>The actor stopped: release what the connection holds (buffers, the socket if still open).</summary>
    void Release();
}
