using System.Diagnostics;
using ActorGameServer.Protocol;
using ActorGameServer.Server.Auth;
using ActorGameServer.Server.Configuration;
using ActorGameServer.Server.Diagnostics;
using ActorGameServer.Server.Limits;
using ActorGameServer.Server.Routing;
using Akka.Actor;
using Akka.Event;
using Envelope = ActorGameServer.Protocol.Envelope;

namespace ActorGameServer.Server.Sessions;

/// <summary>
/// One player, whatever carries their frames: identity, rooms, the command dispatch through the
/// <see cref="CommandRoutes"/>, the rate limits and the idle timeout. The connection's actor feeds
/// it the frames its transport decoded and carries out what it asks for through
/// <see cref="ISessionHost"/> (send a frame, close with an error). A plain object, so the session
/// is tested without sockets, and TCP and WebSocket players run the very same code.
/// </summary>
public sealed class PlayerSession : IClientSession
{
    private readonly GameServerSettings _settings;
    private readonly CommandRoutes _routes;
    private readonly ISessionHost _host;
    private readonly RateLimiter _rateLimiter;
    private readonly ILoggingAdapter _log;

    // Created on first use: an idle player never needs them (docs/PERFORMANCE.md, "Memory per
    // idle connection").
    private Dictionary<string, IActorRef?>? _rooms;
    private Dictionary<string, Queue<Envelope>>? _waitingForJoin;
    // Rooms that said they move before their JOINED arrived, with their next incarnation once known.
    private Dictionary<string, IActorRef?>? _movedWhileJoining;

    // The WELCOME's session token (null when resume is off); said once, never kept by the server.
    private string? _sessionToken;
    private bool _requestsSeen;

    // When the last whole frame arrived, in Stopwatch ticks; the idle timeout counts from here.
    private long _lastFrameTicks;

    public PlayerSession(long userId, GameServerSettings settings, CommandRoutes routes, IActorRef roomDirectory, ISessionHost host, ILoggingAdapter log, string? sessionToken = null)
    {
        _sessionToken = sessionToken;
        Player = new PlayerInfo(userId, $"player-{userId}");
        RoomDirectory = roomDirectory;
        _settings = settings;
        _routes = routes;
        _host = host;
        _log = log;
        _lastFrameTicks = Stopwatch.GetTimestamp();
        _rateLimiter = new RateLimiter(settings.RateLimit, _lastFrameTicks);
    }

    public long UserId => Player.UserId;

    public PlayerInfo Player { get; set; }

    public GameServerSettings Settings => _settings;

    public IActorRef RoomDirectory { get; }

    public IDictionary<string, IActorRef?> Rooms => _rooms ??= new(StringComparer.Ordinal);

    /// <summary>Frames and bytes in and out, for the admin console.</summary>
    public ConnectionTraffic Traffic { get; } = new();

    /// <summary>True once the session asked its host to close; nothing more is dispatched.</summary>
    public bool IsClosing { get; private set; }

    IActorRef IClientSession.Self => _host.Self;

    IActorRef IClientSession.Registry => _host.Registry;

    /// <summary>Greets the player: the first frame on every connection.</summary>
    public void Start()
    {
        _host.Send(ServerFrames.Welcome(UserId, _settings.MaxPayload, ServerVersion.Current, _sessionToken, (long)_settings.Sessions.ResumeWindow.TotalMilliseconds));
        _sessionToken = null;
    }

    public bool IsFirstRequest => !_requestsSeen;

    void IClientSession.Resume(string token, RawJson? id) => _host.RequestResume(token, id);

    void IClientSession.Bye()
    {
        IsClosing = true;
        _host.Bye();
    }

    /// <summary>A new connection took this session over: the idle timeout counts from now, and requests are no longer the first.</summary>
    public void OnResumed()
    {
        _lastFrameTicks = Stopwatch.GetTimestamp();
        _requestsSeen = true;
    }

    public void Send(EncodedFrame frame) => _host.Send(frame);

    /// <summary>A frame the transport decoded: a request, or the error that ends the connection.</summary>
    public void OnFrame(Decoded decoded)
    {
        if (IsClosing)
        {
            return; // The stream is no longer trusted once we decided to close.
        }

        _lastFrameTicks = Stopwatch.GetTimestamp();
        Traffic.Received(decoded.FrameBytes);
        GameMetrics.FrameReceived(decoded.Envelope?.Cmd, decoded.FrameBytes);
        if (decoded.Envelope is { } request)
        {
            OnRequest(request, decoded.FrameBytes);
        }
        else if (decoded.Error is { } error)
        {
            _log.InfoEvent("bad_frame", "{Client} sent a bad frame: {ErrorCode} ({Detail}); disconnecting", _host.Who, error.Code.ToWire(), error.Detail);
            Close(CloseReason.ProtocolError, error);
        }
    }

    /// <summary>
    /// The room accepted this player's JOIN; <paramref name="reply"/> is the JOINED frame. Its
    /// requests go straight to <paramref name="roomActor"/>, wherever it lives, until the room
    /// says it moves (<see cref="OnRoomMoving"/>).
    /// </summary>
    public void OnJoined(string room, IActorRef roomActor, EncodedFrame reply)
    {
        Send(reply);
        if (_movedWhileJoining is not null && _movedWhileJoining.Remove(room, out var next))
        {
            if (next is null)
            {
                return; // That incarnation is stopping: requests keep waiting for the next (OnRoomHere).
            }

            roomActor = next;
        }

        Rooms[room] = roomActor;
        DispatchWaitingFor(room);
    }

    /// <summary>
    /// The room is about to stop or move: its requests wait here, in order, as while joining,
    /// until its next incarnation says where it is. (Through the shard region instead, a request
    /// could be dropped: Akka's regions drop what reaches the old node during a hand-off.)
    /// </summary>
    public void OnRoomMoving(string room)
    {
        if (_rooms is null || !_rooms.TryGetValue(room, out var target))
        {
            return; // Left it meanwhile.
        }

        if (target is null)
        {
            // Its JOINED (through the LocalRoom) is still on the way, with the old incarnation.
            (_movedWhileJoining ??= new(StringComparer.Ordinal))[room] = null;
        }
        else
        {
            _rooms[room] = null;
        }
    }

    /// <summary>The room's new incarnation: what waited goes to it, in order.</summary>
    public void OnRoomHere(string room, IActorRef roomActor)
    {
        if (_rooms is null || !_rooms.ContainsKey(room))
        {
            return; // Left it meanwhile.
        }

        if (_movedWhileJoining?.ContainsKey(room) == true)
        {
            _movedWhileJoining[room] = roomActor; // Applied when JOINED arrives.
            return;
        }

        _rooms[room] = roomActor;
        DispatchWaitingFor(room);
    }

    /// <summary>The room refused this player's JOIN; <paramref name="reply"/> is the ERROR frame.</summary>
    public void OnJoinRefused(string room, EncodedFrame reply)
    {
        _rooms?.Remove(room);
        _movedWhileJoining?.Remove(room);
        Send(reply);
        DispatchWaitingFor(room);
    }

    /// <summary>
    /// Closes the session if no frame completed within the idle timeout; otherwise returns how
    /// long until it could next expire. Asked periodically, not per frame: a frame only records
    /// its arrival time.
    /// </summary>
    public TimeSpan? CheckIdle()
    {
        if (IsClosing)
        {
            return null;
        }

        if (_settings.Auth.Required && Player.Account is null && AuthGate.SignInOverdue(Traffic.ConnectedAt, _settings.Auth.Timeout) is { } overdue)
        {
            _log.InfoEvent("auth_timeout", "{Client} did not sign in within {AuthTimeout}; disconnecting", _host.Who, _settings.Auth.Timeout);
            Close(CloseReason.Unauthenticated, overdue);
            return null;
        }

        var idle = Stopwatch.GetElapsedTime(_lastFrameTicks);
        if (idle < _settings.IdleTimeout)
        {
            return _settings.IdleTimeout - idle;
        }

        _log.InfoEvent("idle_timeout", "{Client} completed no frame for {IdleTimeout}; disconnecting", _host.Who, _settings.IdleTimeout);
        var seconds = _settings.IdleTimeout.TotalSeconds;
        Close(CloseReason.IdleTimeout, new ProtocolError(
            ErrorCode.IdleTimeout, $"no complete frame for {seconds:0.#} s; send PING more often than every {seconds:0.#} s"));
        return null;
    }

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
            Send(GameMetrics.ErrorFrame(error, request.Id));
            return;
        }

        waiting.Enqueue(request);
    }

    private void OnRequest(Envelope request, int frameBytes)
    {
        switch (_rateLimiter.Check(frameBytes, _lastFrameTicks))
        {
            case RateDecision.Allowed:
                Dispatch(request);
                GameMetrics.CommandHandled(request.Cmd, _lastFrameTicks);
                break;
            case RateDecision.Dropped:
                Send(GameMetrics.ErrorFrame(RateLimitError(WithSilentDrops("the frame was dropped")), request.Id));
                PauseReading(frameBytes);
                break;
            case RateDecision.DroppedSilently:
                PauseReading(frameBytes);
                break;
            case RateDecision.Disconnect:
                _log.WarningEvent("rate_limited", "{Client} stayed over the rate limit for {DisconnectAfter}; disconnecting", _host.Who, _settings.RateLimit.DisconnectAfter);
                Close(CloseReason.RateLimited, RateLimitError(WithSilentDrops($"still over the limit after {_settings.RateLimit.DisconnectAfter.TotalSeconds:0.#} s; disconnecting")));
                break;
        }
    }

    /// <summary>
    /// The player is over its budget: from this dropped frame until the limiter could take it.
    /// Reading stops until then, so what else it sends waits in its own and the kernel's buffers
    /// instead of being read only to be dropped. At most half the idle timeout at a time: the
    /// idle timeout counts from the last frame read, and a pause must not make a player look idle.
    /// </summary>
    private void PauseReading(int frameBytes)
    {
        var untilAllowed = _rateLimiter.UntilAllowed(frameBytes, _lastFrameTicks);
        _host.PauseReading(TimeSpan.FromTicks(Math.Min(untilAllowed.Ticks, _settings.IdleTimeout.Ticks / 2)));
    }

    private string WithSilentDrops(string outcome) => _rateLimiter.TakeSilentDrops() is var silent and > 0
        ? $"{outcome} ({silent} more dropped without an answer since the last rate_limited)"
        : outcome;

    private ProtocolError RateLimitError(string outcome) => new(
        ErrorCode.RateLimited,
        $"over {_settings.RateLimit.MessagesPerSecond} frames/s or {_settings.RateLimit.BytesPerSecond} bytes/s: {outcome}");

    private void Dispatch(Envelope request)
    {
        // One field test per request while sign-in is not required (the default), two when it is.
        if (_settings.Auth.Required && Player.Account is null && !AuthGate.AllowedBeforeSignIn(request.Cmd))
        {
            Send(GameMetrics.ErrorFrame(AuthGate.NotSignedIn(request.Cmd), request.Id));
            return;
        }

        var handled = _routes.TryDispatch(this, request);
        _requestsSeen = true;
        if (!handled)
        {
            if (_log.IsDebugEnabled)
            {
                _log.Debug("{0}: unknown command {1}", _host.Who, request.Cmd);
            }
            var error = new ProtocolError(ErrorCode.UnknownCmd, $"unknown command \"{request.Cmd}\"");
            Send(GameMetrics.ErrorFrame(error, request.Id));
        }
    }

    /// <summary>The requests about <paramref name="room"/> that waited for its JOIN, now in order; a JOIN among them waits again.</summary>
    private void DispatchWaitingFor(string room)
    {
        if (_waitingForJoin is not null && _waitingForJoin.Remove(room, out var waiting))
        {
            foreach (var request in waiting)
            {
                if (IsClosing)
                {
                    return;
                }

                Dispatch(request);
            }
        }
    }

    private void Close(CloseReason reason, ProtocolError error)
    {
        IsClosing = true;
        _host.Close(reason, error);
    }
}
