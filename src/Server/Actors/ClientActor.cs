using System.Diagnostics;
using System.Net;
using ActorGameServer.Protocol;
using ActorGameServer.Server.Configuration;
using ActorGameServer.Server.Limits;
using ActorGameServer.Server.Routing;
using Akka.Actor;
using Akka.Event;
using Akka.IO;
using Envelope = ActorGameServer.Protocol.Envelope;

namespace ActorGameServer.Server.Actors;

/// <summary>
/// Owns one player's TCP connection: turns the received bytes into frames, checks them against
/// the rate limits, dispatches each command through the <see cref="CommandRoutes"/>, and writes
/// replies in order with Akka.IO's acknowledged writes. It closes connections that go idle, flood,
/// or stop reading, and stops, releasing everything it held, when the connection ends.
/// </summary>
public sealed class ClientActor : UntypedActor, IClientSession
{
    /// <summary>Queue a frame for this client (pushes from other actors).</summary>
    public sealed record Send(byte[] Frame);

    /// <summary>The server is stopping: tell the client why, flush, and close.</summary>
    public sealed record Shutdown(string Reason, TimeSpan ReconnectAfter);

    /// <summary>The room accepted this client's JOIN; <paramref name="Frame"/> is the JOINED reply.</summary>
    public sealed record JoinedRoom(string Room, IActorRef RoomActor, byte[] Frame);

    /// <summary>The JOIN was refused; <paramref name="Frame"/> is the ERROR reply.</summary>
    public sealed record JoinRefused(string Room, byte[] Frame);

    /// <summary>Why this client's connection ended, reported to the registry just before the actor stops.</summary>
    public sealed record Disconnected(long UserId, string Reason);

    /// <summary>Akka.IO acknowledges each write with this once the bytes reached the socket.</summary>
    private sealed class WriteAck : Tcp.Event
    {
        public static readonly WriteAck Instance = new();
    }

    private sealed class CloseTimedOut
    {
        public static readonly CloseTimedOut Instance = new();
    }

    private sealed class IdleCheck
    {
        public static readonly IdleCheck Instance = new();
    }

    private readonly IActorRef _connection;
    private readonly EndPoint _remote;
    private readonly GameServerSettings _settings;
    private readonly CommandRoutes _routes;
    // Created on first use: an idle player never needs them (docs/PERFORMANCE.md, "Memory per
    // idle connection").
    private Dictionary<string, IActorRef?>? _rooms;
    private Dictionary<string, Queue<Envelope>>? _waitingForJoin;
    private readonly FrameDecoder _decoder;
    private readonly OutboundQueue _outbound;
    private readonly RateLimiter _rateLimiter;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    // When the last whole frame arrived, in Stopwatch ticks; the idle timeout counts from here.
    private long _lastFrameTicks = Stopwatch.GetTimestamp();

    // Plain scheduler messages rather than IWithTimers: Akka's per-actor TimerScheduler costs
    // about 0.5 KB per connection for the one timer an idle player has. Cancelled in PostStop,
    // so a scheduled message never keeps a stopped actor reachable.
    private ICancelable? _idleCheck;
    private ICancelable? _closeTimeout;

    private Dictionary<string, IActorRef?> Rooms => _rooms ??= new(StringComparer.Ordinal);

    // Set once the server has decided to close this connection; nothing more is read after that.
    private string? _closeReason;
    private bool _closeRequested;

    public ClientActor(long userId, IActorRef connection, EndPoint remote, GameServerSettings settings, CommandRoutes routes, IActorRef roomDirectory)
    {
        UserId = userId;
        Player = new PlayerInfo(userId, $"player-{userId}");
        RoomDirectory = roomDirectory;
        _connection = connection;
        _remote = remote;
        _settings = settings;
        _routes = routes;
        _decoder = new FrameDecoder(settings.MaxPayload, settings.MaxJsonDepth);
        _outbound = new OutboundQueue(settings.MaxOutboundBytes);
        _rateLimiter = new RateLimiter(settings.RateLimit, _lastFrameTicks);
    }

    public long UserId { get; }

    public PlayerInfo Player { get; set; }

    public IActorRef RoomDirectory { get; }

    GameServerSettings IClientSession.Settings => _settings;

    IDictionary<string, IActorRef?> IClientSession.Rooms => Rooms;

    IActorRef IClientSession.Self => Self;

    IActorRef IClientSession.Registry => Context.Parent;

    public static Props Props(long userId, IActorRef connection, EndPoint remote, GameServerSettings settings, CommandRoutes routes, IActorRef roomDirectory) =>
        Akka.Actor.Props.Create(() => new ClientActor(userId, connection, remote, settings, routes, roomDirectory));

    void IClientSession.Send(byte[] frame) => Enqueue(frame);

    void IClientSession.DeferUntilJoinAnswered(string room, Envelope request)
    {
        _waitingForJoin ??= new(StringComparer.Ordinal);
        if (!_waitingForJoin.TryGetValue(room, out var waiting))
        {
            _waitingForJoin[room] = waiting = new Queue<Envelope>();
        }

        // A JOIN is answered within a few actor hops; this bound only matters if the room stalls,
        // and keeps a client from parking unbounded requests here meanwhile.
        if (waiting.Count >= _settings.RateLimit.MessageBurst)
        {
            var error = new ProtocolError(ErrorCode.RateLimited, $"too many requests for room \"{room}\" while joining it");
            Enqueue(ServerFrames.Error(error, request.Id));
            return;
        }

        waiting.Enqueue(request);
    }

    protected override void PreStart()
    {
        // Death pact both ways: Akka.IO closes the socket if this actor dies, and this actor
        // stops if the connection actor dies without telling us.
        _connection.Tell(new Tcp.Register(Self, keepOpenOnPeerClosed: false, useResumeWriting: false));
        Context.Watch(_connection);
        Enqueue(ServerFrames.Welcome(UserId, _settings.MaxPayload, ServerVersion.Current));
        // One timer per connection, re-armed at most once per timeout period rather than per frame.
        _idleCheck = ScheduleOnce(_settings.IdleTimeout, IdleCheck.Instance);
    }

    protected override void PostStop()
    {
        _idleCheck?.Cancel();
        _closeTimeout?.Cancel();
        _decoder.Dispose();
    }

    /// <summary>
    /// A bug while handling one client's message is logged here, once, with the user id and what
    /// it was handling; the registry then stops this client alone (it does not log again).
    /// </summary>
    protected override bool AroundReceive(Receive receive, object message)
    {
        try
        {
            return base.AroundReceive(receive, message);
        }
        catch (Exception e)
        {
            _log.Error(e, "client {0} from {1} failed while handling {2}; closing its connection", UserId, _remote, message.GetType().Name);
            Context.Parent.Tell(new Disconnected(UserId, $"server error ({e.GetType().Name})"));
            throw;
        }
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case Tcp.Received received:
                OnReceived(received.Data);
                break;
            case WriteAck:
                _outbound.Acknowledge();
                Flush();
                break;
            case Send send:
                Enqueue(send.Frame);
                break;
            case JoinedRoom joined:
                Rooms[joined.Room] = joined.RoomActor;
                Enqueue(joined.Frame);
                DispatchWaitingFor(joined.Room);
                break;
            case JoinRefused refused:
                _rooms?.Remove(refused.Room);
                Enqueue(refused.Frame);
                DispatchWaitingFor(refused.Room);
                break;
            case Shutdown shutdown:
                Enqueue(ServerFrames.Shutdown(shutdown.Reason, (int)shutdown.ReconnectAfter.TotalMilliseconds));
                BeginClose("server shutting down");
                break;
            case IdleCheck:
                OnIdleCheck();
                break;
            case CloseTimedOut:
                _log.Info("client {0}: no clean close within {1}, resetting the connection", UserId, _settings.CloseTimeout);
                _connection.Tell(Tcp.Abort.Instance);
                break;
            case Tcp.ConnectionClosed closed:
                StopBecause(DescribeClose(closed));
                break;
            case Tcp.CommandFailed failed:
                // We keep one write in flight, so Akka.IO has no reason to refuse one; if it does,
                // the connection is no longer usable.
                _log.Warning("client {0}: {1} failed ({2}), resetting the connection", UserId, failed.Cmd.GetType().Name, failed.CauseString);
                _closeReason ??= "write failed";
                _connection.Tell(Tcp.Abort.Instance);
                break;
            case Terminated terminated when terminated.ActorRef.Equals(_connection):
                StopBecause(_closeReason ?? "connection actor stopped");
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void OnReceived(ByteString data)
    {
        if (_closeReason is not null)
        {
            return; // Draining after we decided to close; the stream is no longer trusted.
        }

        _decoder.Feed(data.ToReadOnlySpan());
        while (_closeReason is null)
        {
            var decoded = _decoder.TryDecode();
            if (decoded.IsNeedMoreData)
            {
                break;
            }

            _lastFrameTicks = Stopwatch.GetTimestamp();
            if (decoded.Envelope is { } request)
            {
                OnFrame(request, decoded.FrameBytes);
            }
            else if (decoded.Error is { } error)
            {
                _log.Info("client {0} from {1} sent a bad frame: {2} ({3}); disconnecting", UserId, _remote, error.Code.ToWire(), error.Detail);
                CloseWithError(error, $"protocol error {error.Code.ToWire()}");
            }
        }
    }

    private void OnFrame(Envelope request, int frameBytes)
    {
        switch (_rateLimiter.Check(frameBytes, _lastFrameTicks))
        {
            case RateDecision.Allowed:
                Dispatch(request);
                break;
            case RateDecision.Dropped:
                Enqueue(ServerFrames.Error(RateLimitError("the frame was dropped"), request.Id));
                break;
            case RateDecision.Disconnect:
                _log.Warning("client {0} from {1} stayed over the rate limit for {2}; disconnecting", UserId, _remote, _settings.RateLimit.DisconnectAfter);
                CloseWithError(RateLimitError($"still over the limit after {_settings.RateLimit.DisconnectAfter.TotalSeconds:0.#} s; disconnecting"), "rate limit exceeded");
                break;
        }
    }

    private ProtocolError RateLimitError(string outcome) => new(
        ErrorCode.RateLimited,
        $"over {_settings.RateLimit.MessagesPerSecond} frames/s or {_settings.RateLimit.BytesPerSecond} bytes/s: {outcome}");

    private void OnIdleCheck()
    {
        if (_closeReason is not null)
        {
            return;
        }

        var idle = Stopwatch.GetElapsedTime(_lastFrameTicks);
        if (idle < _settings.IdleTimeout)
        {
            _idleCheck = ScheduleOnce(_settings.IdleTimeout - idle, IdleCheck.Instance);
            return;
        }

        _log.Info("client {0} from {1} completed no frame for {2}; disconnecting", UserId, _remote, _settings.IdleTimeout);
        var seconds = _settings.IdleTimeout.TotalSeconds;
        CloseWithError(
            new ProtocolError(ErrorCode.IdleTimeout, $"no complete frame for {seconds:0.#} s; send PING more often than every {seconds:0.#} s"),
            "idle timeout");
    }

    private void CloseWithError(ProtocolError error, string reason)
    {
        Enqueue(ServerFrames.Error(error));
        BeginClose(reason);
    }

    private void Dispatch(Envelope request)
    {
        if (!_routes.TryDispatch(this, request))
        {
            _log.Debug("client {0}: unknown command {1}", UserId, request.Cmd);
            var error = new ProtocolError(ErrorCode.UnknownCmd, $"unknown command \"{request.Cmd}\"");
            Enqueue(ServerFrames.Error(error, request.Id));
        }
    }

    /// <summary>The requests about <paramref name="room"/> that waited for its JOIN, now in order; a JOIN among them waits again.</summary>
    private void DispatchWaitingFor(string room)
    {
        if (_waitingForJoin is not null && _waitingForJoin.Remove(room, out var waiting))
        {
            foreach (var request in waiting)
            {
                Dispatch(request);
            }
        }
    }

    private void Enqueue(byte[] frame)
    {
        if (_closeRequested)
        {
            return; // Already half-closed: nothing more can be written.
        }

        if (!_outbound.TryEnqueue(frame))
        {
            _log.Warning(
                "client {0} from {1} is not reading: {2} bytes waiting, over max-outbound-bytes {3}; disconnecting",
                UserId, _remote, _outbound.PendingBytes, _settings.MaxOutboundBytes);
            _closeReason ??= "not reading (max-outbound-bytes exceeded)";
            _closeRequested = true;
            _connection.Tell(Tcp.Abort.Instance);
            return;
        }

        Flush();
    }

    private void Flush()
    {
        if (_outbound.TakeBatch() is { } batch)
        {
            _connection.Tell(Tcp.Write.Create(batch, WriteAck.Instance));
        }
        else if (_closeReason is not null && _outbound.IsEmpty && !_closeRequested)
        {
            // Everything (the ERROR or SHUTDOWN frame included) reached the socket: send FIN and let
            // the client close its side, so it reads our last frame instead of a reset.
            _closeRequested = true;
            _connection.Tell(Tcp.ConfirmedClose.Instance);
        }
    }

    private void BeginClose(string reason)
    {
        if (_closeReason is not null)
        {
            return;
        }

        _closeReason = reason;
        _closeTimeout = ScheduleOnce(_settings.CloseTimeout, CloseTimedOut.Instance);
        Flush();
    }

    private ICancelable ScheduleOnce(TimeSpan delay, object message) =>
        Context.System.Scheduler.ScheduleTellOnceCancelable(delay, Self, message, Self);

    private string DescribeClose(Tcp.ConnectionClosed closed) => closed switch
    {
        Tcp.PeerClosed => _closeReason ?? "client closed the connection",
        Tcp.ErrorClosed error => _closeReason ?? $"connection error: {error.Cause}",
        Tcp.Aborted => _closeReason ?? "connection reset",
        _ => _closeReason ?? "connection closed",
    };

    private void StopBecause(string reason)
    {
        Context.Parent.Tell(new Disconnected(UserId, reason));
        Context.Stop(Self);
    }
}
