using System.Net;
using System.Runtime.InteropServices;
using ActorGameServer.Protocol;
using ActorGameServer.Server.Sessions;
using Akka.Actor;
using Akka.IO;

namespace ActorGameServer.Server.Transports.Tcp;

/// <summary>
/// A player on TCP: Akka.IO's connection actor, which the client actor registers with, so
/// Akka.IO's events arrive in that actor's mailbox directly (no hop of ours per frame). The wire
/// is a byte stream of length-prefixed frames: received bytes go through a
/// <see cref="FrameDecoder"/>, and each write carries the length-prefixed frames queued for it,
/// acknowledged by Akka.IO.
/// <para>
/// Reading is in Akka.IO's pull mode (the listener binds with <c>pullMode: true</c>): Akka.IO
/// reads once each time it is told <c>ResumeReading</c>, and this asks for the next read as the
/// client actor takes each <c>Received</c> from its mailbox. So at most one read waits in the
/// mailbox, and a client that sends faster than its actor handles frames waits in the kernel. In
/// push mode Akka.IO reads as fast as the socket delivers: a client that wrote 20,000 PINGs at
/// once had all 977 KB in the client actor's mailbox about 90 ms later, before the first frame
/// over the rate limit was even checked, so <c>SuspendReading</c> came too late to hold anything back.
/// </para>
/// </summary>
public sealed class TcpConnection : IClientConnection
{
    /// <summary>Akka.IO acknowledges each write with this once the bytes reached the socket.</summary>
    private sealed class WriteAck : Akka.IO.Tcp.Event
    {
        public static readonly WriteAck Instance = new();
    }

    private readonly IActorRef _connection;
    private readonly FrameDecoder _decoder;
    private ByteString? _received; // What Interpret took in, until NextFrame feeds it to the decoder.
    // Between SuspendReading and ResumeReading: no next read is asked for.
    private bool _readingSuspended;
    private (CloseReason, string) _closedBy = (CloseReason.ConnectionLost, "");

    /// <param name="connection">Akka.IO's actor for the accepted connection.</param>
    public TcpConnection(IActorRef connection, EndPoint remote, int maxPayload, int maxJsonDepth)
    {
        _connection = connection;
        Remote = remote;
        ClientAddress = CapAddress.Of((remote as IPEndPoint)?.Address);
        _decoder = new FrameDecoder(maxPayload, maxJsonDepth);
    }

    public string Transport => "tcp";

    /// <summary>Akka.IO's actor for this connection.</summary>
    internal IActorRef ConnectionActor => _connection;

    public EndPoint Remote { get; }

    public IPAddress ClientAddress { get; }

    public (CloseReason Reason, string Detail) ClosedBy => _closedBy;

    public void Start(IActorContext context)
    {
        // Akka.IO watches the client actor and closes the socket if it dies. The other way round
        // needs no Watch: once it has our Register, Akka.IO's connection actor tells its handler
        // ConnectionClosed however it stops (Aborted if nothing else; a test holds Akka.IO to
        // that). Watching it anyway cost every connection about 0.5 KB, since an actor that
        // watches keeps DeathWatch tables for life. A connection actor that stopped before our
        // Register arrived tells nobody; the client ends on its idle timeout then, with a reset
        // that is never confirmed (ClientActor.Aborting).
        _connection.Tell(new Akka.IO.Tcp.Register(context.Self, keepOpenOnPeerClosed: false, useResumeWriting: false));
        _connection.Tell(Akka.IO.Tcp.ResumeReading.Instance); // Pull mode: the first read.
    }

    public bool IsTransportActor(IActorRef sender) => sender.Equals(_connection);

    public ConnectionEvent Interpret(object message)
    {
        switch (message)
        {
            case Akka.IO.Tcp.Received received:
                _received = received.Data;
                // The next read goes on while this one is handled, as it would in push mode; in
                // every state, so a closing connection still reads on to the client's FIN.
                ReadNext();
                return ConnectionEvent.Received;
            case WriteAck:
                return ConnectionEvent.Written;
            case Akka.IO.Tcp.CommandFailed:
                return ConnectionEvent.WriteFailed;
            case Akka.IO.Tcp.ConnectionClosed closed:
                _closedBy = closed switch
                {
                    Akka.IO.Tcp.PeerClosed or Akka.IO.Tcp.ConfirmedClosed => (CloseReason.ClientClosed, ""),
                    Akka.IO.Tcp.ErrorClosed error => (CloseReason.ConnectionLost, error.Cause ?? "socket error"),
                    _ => (CloseReason.ConnectionLost, "reset"),
                };
                return ConnectionEvent.Closed;
            default:
                return ConnectionEvent.None;
        }
    }

    public Decoded NextFrame()
    {
        // Fed here rather than in Interpret: bytes that arrive after the actor decided to close
        // are never asked for, so a client flooding a closing connection cannot grow the buffer.
        if (_received is { } received)
        {
            _received = null;
            _decoder.Feed(received.ToReadOnlySpan());
        }

        return _decoder.TryDecode();
    }

    // In pull mode, suspending is not asking for the next read; no Tcp.SuspendReading is needed
    // (it would only stop reads not yet asked for). The read already asked for still arrives: at
    // most one more read of maximum-frame-size bytes.
    public void SuspendReading() => _readingSuspended = true;

    public void ResumeReading()
    {
        _readingSuspended = false;
        ReadNext();
    }

    private void ReadNext()
    {
        if (!_readingSuspended)
        {
            _connection.Tell(Akka.IO.Tcp.ResumeReading.Instance);
        }
    }

    public void Write(IReadOnlyList<EncodedFrame> frames, int bytes)
    {
        _connection.Tell(Akka.IO.Tcp.Write.Create(Batch(frames, bytes), WriteAck.Instance));
    }

    /// <summary>
    /// A lone frame is sent as it is (its length prefix is already in front of it); several are
    /// copied into one buffer, back to back, so they go out in one system call.
    /// </summary>
    private static ByteString Batch(IReadOnlyList<EncodedFrame> frames, int bytes)
    {
        if (frames.Count == 1 && MemoryMarshal.TryGetArray(frames[0].LengthPrefixed, out var lone))
        {
            return ByteString.FromBytes(lone);
        }

        var buffer = new byte[bytes + frames.Count * FrameReader.HeaderSize];
        var offset = 0;
        for (var i = 0; i < frames.Count; i++)
        {
            offset += frames[i].CopyLengthPrefixedTo(buffer.AsSpan(offset));
        }

        return ByteString.FromBytes(buffer);
    }

    // A half-close (FIN): the client reads everything we sent, then closes its side.
    public void Close(CloseReason reason, ErrorCode? error) => _connection.Tell(Akka.IO.Tcp.ConfirmedClose.Instance);

    public void Abort() => _connection.Tell(Akka.IO.Tcp.Abort.Instance);

    public void Release() => _decoder.Dispose();
}
