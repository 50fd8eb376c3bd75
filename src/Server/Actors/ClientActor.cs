using ActorGameServer.Protocol;
using ActorGameServer.Server.Configuration;
using ActorGameServer.Server.Diagnostics;
using ActorGameServer.Server.Routing;
using ActorGameServer.Server.Sessions;
using ActorGameServer.Server.Transports;
using Akka.Actor;
using Akka.Event;

namespace ActorGameServer.Server.Actors;

/// <summary>
/// One player's connection, whatever the transport: the one actor a connection's frames pass
/// through. It runs the player's <see cref="PlayerSession"/> on the frames its
/// <see cref="IClientConnection"/> decodes, writes replies and pushes in order with one write in
/// flight and a bounded queue, and closes in a fixed sequence: flush the last frame, close
/// gracefully, wait <c>close-timeout</c> for the peer, then reset. It stops, releasing everything
/// it held, when the connection ends. A reset the transport never confirms (its connection is
/// gone without a word) is given one more close-timeout, then the actor stops anyway.
/// </summary>
public sealed partial class ClientActor : UntypedActor, ISessionHost
{
    // Send and Relayed cross nodes (ClusterMessageSerializer); the rest never leave this node, and say so (INoSerializationVerificationNeeded), so tests that serialize every message spare them.
    /// <summary>Queue a frame for this client (pushes from other actors).</summary>
    public sealed record Send(EncodedFrame Frame);

    /// <summary>A RELAY push a room holds for its members, relayed by <paramref name="From"/>.</summary>
    /// <param name="HeldAt">For <see cref="StageTimings"/> (0 when off).</param>
    public sealed record RelayedFrame(long From, EncodedFrame Frame, long HeldAt);

    /// <summary>
    /// What a room relayed since its last flush, the same message to every member: this client
    /// writes, in one write, the frames that others relayed (its own are not sent back).
    /// </summary>
    /// <param name="SentAt">For <see cref="StageTimings"/> (0 when off).</param>
    public sealed record Relayed(IReadOnlyList<RelayedFrame> Frames, long SentAt);

    /// <summary>The server is stopping: tell the client why, flush, and close.</summary>
    public sealed record Shutdown(string Reason, TimeSpan ReconnectAfter) : INoSerializationVerificationNeeded;

    /// <summary>The room accepted this client's JOIN; <paramref name="Frame"/> is the JOINED reply.</summary>
    /// <param name="RoomActor">The room's actor, on whichever node it lives: the member's requests go straight to it.</param>
    public sealed record JoinedRoom(string Room, IActorRef RoomActor, EncodedFrame Frame) : INoSerializationVerificationNeeded;

    /// <summary>
    /// The room is about to stop or move: hold its requests (nothing more may go to this actor
    /// of it) until its next incarnation says where it is (<see cref="RoomHere"/>). Answered with
    /// <see cref="Rooms.RoomActor.Moved"/> in any state, so the room knows nothing more is coming
    /// to it from this client. Crosses nodes.
    /// </summary>
    public sealed record RoomMoving(string Room);

    /// <summary>The room (a new incarnation, after a move or its node's crash) is this actor now; send it what was held. Crosses nodes.</summary>
    public sealed record RoomHere(string Room, IActorRef RoomActor);

    /// <summary>The JOIN was refused; <paramref name="Frame"/> is the ERROR reply.</summary>
    public sealed record JoinRefused(string Room, EncodedFrame Frame) : INoSerializationVerificationNeeded;

    /// <summary>Why this client's connection ended, reported to the registry just before the actor stops.</summary>
    public sealed record Disconnected(long UserId, CloseReason Reason, string Detail) : INoSerializationVerificationNeeded;

    /// <summary>
    /// Close the connection if no frame completed within the idle timeout. The registry sends this
    /// one shared message to every client a few times per timeout, instead of each client keeping
    /// a timer of its own (see <see cref="ClientRegistry"/>).
    /// </summary>
    public sealed record CheckIdle : INoSerializationVerificationNeeded
    {
        public static readonly CheckIdle Instance = new();
    }

    private sealed class CloseTimedOut : INoSerializationVerificationNeeded
    {
        public static readonly CloseTimedOut Instance = new();
    }

    /// <summary>The pause the session asked for (over its rate budget) is over: read again.</summary>
    private sealed class ResumeReading : INoSerializationVerificationNeeded
    {
        public static readonly ResumeReading Instance = new();
    }

    // Replaced when a RESUME hands this session a new connection (ClientActor.Resume.cs).
    private IClientConnection _connection;
    private readonly GameServerSettings _settings;
    private readonly PlayerSession _session;
    private readonly OutboundQueue _outbound;
    private readonly ILoggingAdapter _log = new LoggerOnFirstUse(Context); // Most players never log a line.

    // A plain scheduler message rather than IWithTimers: Akka's per-actor TimerScheduler costs
    // about 0.5 KB per connection. Cancelled in PostStop, so a scheduled message never keeps a
    // stopped actor reachable. An open connection has no timer at all: the registry's CheckIdle
    // ends idle ones.
    private ICancelable? _closeTimeout;
    // Set while reading is paused: the ResumeReading that ends the pause.
    private ICancelable? _readingPaused;

    // Why the server is closing this connection, once it decided to (Flushing, Closing, Aborting).
    private CloseReason _closeReason;
    private ErrorCode? _closeError;

    public ClientActor(long userId, IClientConnection connection, GameServerSettings settings, CommandRoutes routes, IActorRef roomDirectory, string? sessionToken = null)
    {
        _connection = connection;
        _settings = settings;
        _outbound = new OutboundQueue(settings.MaxOutboundBytes);
        _session = new PlayerSession(userId, settings, routes, roomDirectory, this, _log, sessionToken);
    }

    IActorRef ISessionHost.Self => Self;

    IActorRef ISessionHost.Registry => Context.Parent;

    // Built only when a line is logged: a string per idle connection would cost about 100 bytes.
    public ClientIdentity Who => new(_session.UserId, _connection.Remote, _connection.Transport);

    public static Props Props(long userId, IClientConnection connection, GameServerSettings settings, CommandRoutes routes, IActorRef roomDirectory, string? sessionToken = null) =>
        Akka.Actor.Props.CreateBy(new Producer(userId, connection, settings, routes, roomDirectory, sessionToken));

    void ISessionHost.Send(EncodedFrame frame) => Enqueue(frame);

    void ISessionHost.PauseReading(TimeSpan duration)
    {
        if (_readingPaused is not null || !StillOpen)
        {
            return; // The pause on is the one the first dropped frame asked for; a close reads to the end.
        }

        _connection.SuspendReading();
        _readingPaused = ScheduleOnce(duration, ResumeReading.Instance);
    }

    void ISessionHost.Close(CloseReason reason, ProtocolError error)
    {
        Enqueue(GameMetrics.ErrorFrame(error));
        BeginClose(reason, error.Code);
    }

    protected override void PreStart()
    {
        if (_immigration is { } immigration)
        {
            StartMovedIn(immigration);
            return;
        }

        _connection.Start(Context);
        _session.Start();
    }

    protected override void PostStop()
    {
        _closeTimeout?.Cancel();
        _readingPaused?.Cancel();
        _outbound.Release();
        ReleaseConnection();
        ReleaseDetached();
    }

    /// <summary>
    /// A bug while handling one client's message is logged here, once, with the user id and what
    /// it was handling; the registry then stops this client alone (it does not log again).
    /// </summary>
    protected override bool AroundReceive(Receive receive, object message)
    {
        try
        {
            if (_immigration is { } immigration && HoldWhileMovingIn(immigration, message))
            {
                return true;
            }

            if (message is Adopt or Emigrate && _missed is null)
            {
                TakeOver(message);
                return true;
            }

            if (message is RoomMoving moving)
            {
                // Whatever the state (a closing client sends nothing more anyway): the room waits for this.
                _session.OnRoomMoving(moving.Room);
                Sender.Tell(Rooms.RoomActor.Moved.Instance);
                return true;
            }

            if (message is Describe)
            {
                Sender.Tell(new Description(Snapshot())); // In any state: a closing player is still connected.
                return true;
            }

            return base.AroundReceive(receive, message);
        }
        catch (Exception e)
        {
            _log.Error(e, "{0} failed while handling {1}; closing its connection", Who, message.GetType().Name);
            Context.Parent.Tell(new Disconnected(_session.UserId, CloseReason.ServerError, e.GetType().Name));
            throw;
        }
    }

    /// <summary>Open: frames are read and dispatched, replies and pushes written.</summary>
    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case Send send:
                Enqueue(send.Frame);
                break;
            case Relayed relayed:
                EnqueueRelayed(relayed);
                break;
            case JoinedRoom or RoomHere or JoinRefused or RoomRebound:
                OnRoomAnswer(message);
                break;
            case Kick kick:
                OnKick(kick);
                break;
            case Replace:
                OnReplace();
                break;
            case Shutdown shutdown:
                Enqueue(ServerFrames.Shutdown(shutdown.Reason, (int)shutdown.ReconnectAfter.TotalMilliseconds));
                BeginClose(CloseReason.Shutdown, error: null);
                break;
            case CheckIdle:
                _session.CheckIdle();
                break;
            case ResumeReading:
                EndReadingPause();
                break;
            case ResumeRefused refused:
                OnResumeRefused(refused); // Only while handing over; a late one finds nothing to do.
                break;
            case Adopt or HandOver or ResumeWindowEnded:
            case var move when IsAboutAMove(move):
                break; // For a detached session only; this one is connected (or just resumed).
            default:
                OnConnectionEvent(message);
                break;
        }
    }

    /// <summary>What a room answers the session, taken alike while connected and while detached: the seats are the session's, not the connection's.</summary>
    private void OnRoomAnswer(object message)
    {
        switch (message)
        {
            case JoinedRoom joined:
                _session.OnJoined(joined.Room, joined.RoomActor, joined.Frame);
                break;
            case RoomHere here:
                _session.OnRoomHere(here.Room, here.RoomActor);
                break;
            case JoinRefused refused:
                _session.OnJoinRefused(refused.Room, refused.Frame);
                break;
            case RoomRebound rebound:
                OnRoomRebound(rebound);
                break;
        }
    }

    /// <summary>
    /// Flushing: the server decided to close and queued the last frame (an ERROR or SHUTDOWN).
    /// Nothing more is read or queued; once everything reached the socket, the close goes out.
    /// </summary>
    private void Flushing(object message)
    {
        switch (message)
        {
            case CloseTimedOut:
                OnCloseTimedOut();
                break;
            case var late when OnlyWhileOpen(late):
                break; // The last frame is queued; the player is leaving.
            default:
                if (OnConnectionEvent(message) == ConnectionEvent.Written)
                {
                    CloseOnceFlushed();
                }

                break;
        }
    }

    /// <summary>Closing: the graceful close went out; waiting for the transport to confirm.</summary>
    private void Closing(object message)
    {
        switch (message)
        {
            case CloseTimedOut:
                OnCloseTimedOut();
                break;
            case var late when OnlyWhileOpen(late):
                break;
            default:
                OnConnectionEvent(message);
                break;
        }
    }

    /// <summary>
    /// Aborting: the connection was reset; waiting for the transport to confirm, which it does at
    /// once while it is there. A transport that stays silent for a close-timeout is gone: Akka.IO's
    /// connection actor stops without telling anyone if it stopped before our Register reached it
    /// (its register-timeout), and nothing else would ever end this actor then.
    /// </summary>
    private void Aborting(object message)
    {
        switch (message)
        {
            case CloseTimedOut:
                _log.Warning("{0}: the reset was never confirmed; the connection is gone", Who);
                StopBecause(_closeReason, "the transport never confirmed the reset");
                break;
            case var late when OnlyWhileOpen(late):
                break;
            default:
                OnConnectionEvent(message);
                break;
        }
    }

    /// <summary>
    /// What matters only while the connection is open (frames to queue, room answers, shutdown,
    /// the idle check, the end of a read pause): after the server decided to close, the closing
    /// states drop it. One list for all of them, so a new message is not forgotten in one.
    /// </summary>
    private static bool OnlyWhileOpen(object message) =>
        message is Send or Relayed or JoinedRoom or JoinRefused or RoomHere or Shutdown or Kick or Replace or CheckIdle or ResumeReading
            or ResumeRefused or Adopt or HandOver or ResumeWindowEnded || IsAboutAMove(message);

    /// <summary>Handles what the transport reported, the same in every state; returns what it was.</summary>
    private ConnectionEvent OnConnectionEvent(object message)
    {
        if (_forwarder is not null && !Sender.Equals(_forwarder) && !_connection.IsTransportActor(Sender))
        {
            // A resumed session's connection speaks through its forwarder (and Akka.IO acknowledges
            // writes to the writer); anything else is late news of a connection it let go (one a
            // RESUME took the session over from), which this one's Interpret must not take for its own.
            return ConnectionEvent.None;
        }

        var connectionEvent = _connection.Interpret(message);
        switch (connectionEvent)
        {
            case ConnectionEvent.Received:
                ReadFrames();
                break;
            case ConnectionEvent.Written:
                if (_strayWrites > 0)
                {
                    _strayWrites--; // The write the connection's first actor had in flight when it handed over.
                    break;
                }

                _outbound.Acknowledge();
                Flush();
                break;
            case ConnectionEvent.WriteFailed:
                // One write is in flight at a time, so the transport has no reason to refuse one;
                // if it does, the connection is no longer usable.
                _log.Warning("{0}: a write failed; resetting the connection", Who);
                Abort(CloseReason.WriteFailed);
                break;
            case ConnectionEvent.Closed:
                var (reason, detail) = _connection.ClosedBy;
                // A close we started is reported as our reason, not as the peer's reaction to it.
                StopBecause(StillOpen ? reason : _closeReason, StillOpen ? detail : "");
                break;
            default:
                Unhandled(message);
                break;
        }

        return connectionEvent;
    }

    // Every way out of Open (BeginClose, Abort) arms the close timeout, so this is the state as
    // the read loop and the write queue need it, without a flag of its own.
    private bool StillOpen => _closeTimeout is null;

    private void ReadFrames()
    {
        // Bytes that arrive after we decided to close are not read: the stream is no longer trusted.
        // While reading is paused, the read that was already under way still arrives (one TCP read,
        // or up to two WebSocket messages), and its frames are decoded and checked now like any
        // other: handled if the budget allows, dropped otherwise. They were sent over budget like
        // the frame that was dropped; holding them for the resume would need a second place to
        // keep them and a way back into this loop, for that little.
        while (StillOpen && !_handingOver)
        {
            var decoded = _connection.NextFrame();
            if (decoded.IsNeedMoreData)
            {
                break;
            }

            _session.OnFrame(decoded);
        }
    }

    private void Enqueue(EncodedFrame frame)
    {
        if (TryQueue(frame))
        {
            Flush();
        }
    }

    /// <summary>Queues all of a room's frames before flushing, so they leave in one write.</summary>
    private void EnqueueRelayed(Relayed relayed)
    {
        StageTimings.Record(Stage.RoomToClient, relayed.SentAt);
        var userId = _session.UserId;
        var delivered = 0;
        foreach (var relayedFrame in relayed.Frames)
        {
            if (relayedFrame.From == userId)
            {
                continue;
            }

            if (!TryQueue(relayedFrame.Frame))
            {
                GameMetrics.RelayDelivered(delivered);
                return;
            }

            delivered++;
        }

        GameMetrics.RelayDelivered(delivered); // Once per batch, not per frame.
        Flush();
    }

    /// <summary>Queues a frame; false when the connection is closing or has just been aborted for not reading.</summary>
    private bool TryQueue(EncodedFrame frame)
    {
        if (_missed is not null)
        {
            KeepForResume(frame);
            return false; // Nothing to flush: there is no connection.
        }

        if (!StillOpen)
        {
            return false; // The last frame is already queued.
        }

        if (!_outbound.TryEnqueue(frame))
        {
            _log.WarningEvent(
                "not_reading", "{Client} is not reading: {PendingBytes} bytes waiting, over max-outbound-bytes {MaxOutboundBytes}; disconnecting",
                Who, _outbound.PendingBytes, _settings.MaxOutboundBytes);
            Abort(CloseReason.NotReading);
            return false;
        }

        var frameBytes = FrameReader.HeaderSize + frame.Length;
        _session.Traffic.Queued(frameBytes);
        GameMetrics.FrameQueued(frameBytes);
        return true;
    }

    private void Flush()
    {
        if (_outbound.TakeBatch() is { } batch)
        {
            _connection.Write(batch, _outbound.InFlightBytes);
        }
    }

    private void BeginClose(CloseReason reason, ErrorCode? error)
    {
        if (!StillOpen)
        {
            return; // Queuing the last frame found a client that stopped reading; that reset wins.
        }

        _closeReason = reason;
        _closeError = error;
        _closeTimeout = ScheduleOnce(_settings.CloseTimeout, CloseTimedOut.Instance);
        // A paused connection reads again, and throws away, what the client still sends: a client
        // blocked in a write gets to read our last frame, and its close (FIN, close frame) is seen,
        // so the close stays graceful instead of ending in a reset after close-timeout.
        EndReadingPause();
        Become(Flushing);
        CloseOnceFlushed();
    }

    /// <summary>
    /// Once everything, the last frame included, reached the socket: close gracefully, so the
    /// client reads that frame instead of a reset.
    /// </summary>
    private void CloseOnceFlushed()
    {
        if (_outbound.IsEmpty)
        {
            _connection.Close(_closeReason, _closeError);
            Become(Closing);
        }
    }

    private void EndReadingPause()
    {
        if (_readingPaused is { } paused)
        {
            paused.Cancel();
            _readingPaused = null;
            _connection.ResumeReading();
        }
    }

    private void Abort(CloseReason reason)
    {
        if (StillOpen)
        {
            _closeReason = reason; // Otherwise the reason we were already closing for stays the reason.
        }

        // A fresh close-timeout for the transport to confirm the reset (see Aborting).
        _closeTimeout?.Cancel();
        _closeTimeout = ScheduleOnce(_settings.CloseTimeout, CloseTimedOut.Instance);
        Become(Aborting);
        _connection.Abort();
    }

    private void OnCloseTimedOut()
    {
        _log.Info("{0}: no clean close within {1}, resetting the connection", Who, _settings.CloseTimeout);
        Abort(_closeReason);
    }

    private ICancelable ScheduleOnce(TimeSpan delay, object message) =>
        Context.System.Scheduler.ScheduleTellOnceCancelable(delay, Self, message, Self);

    private void StopBecause(CloseReason reason, string detail)
    {
        if (_stopping)
        {
            return; // A buffer overflow found while already ending, say.
        }

        if (_missed is null && reason.IsResumable() && _settings.Sessions.Enabled && !_isProxy)
        {
            Detach(reason, detail);
            return;
        }

        _stopping = true;
        Context.Parent.Tell(new Disconnected(_session.UserId, reason, detail));
        Context.Stop(Self);
    }

    /// <summary>
    /// Creates the actor with a plain constructor call. <c>Props.Create(() => new ClientActor(...))</c>
    /// builds an expression tree on every call and reads the arguments back out of it by reflection,
    /// then creates the actor through <c>Activator</c>: 2-3 µs and 1.4 KB of garbage per accepted
    /// connection, the expression part of it in the registry, which admits connections one at a
    /// time (docs/PERFORMANCE.md, "Idle memory and accept bursts"). It also kept the arguments in
    /// an array for the actor's life.
    /// </summary>
    private sealed class Producer(long userId, IClientConnection connection, GameServerSettings settings, CommandRoutes routes, IActorRef roomDirectory, string? sessionToken)
        : IIndirectActorProducer
    {
        public Type ActorType => typeof(ClientActor);

        public ActorBase Produce() => new ClientActor(userId, connection, settings, routes, roomDirectory, sessionToken);

        public void Release(ActorBase actor)
        {
        }
    }
}
