using ActorGameServer.Protocol;
using ActorGameServer.Server.Diagnostics;
using ActorGameServer.Server.Rooms;
using ActorGameServer.Server.Sessions;
using ActorGameServer.Server.Transports;
using Akka.Actor;
using Akka.Event;

namespace ActorGameServer.Server.Actors;

/// <summary>
/// Session resume (docs/PROTOCOL.md, "Resuming a session"). When a connection drops for a
/// resumable reason, this actor does not stop: it detaches. It stays the player (same user id,
/// same room seats, the one actor rooms know), keeps the pushes that come for it, and waits
/// <c>sessions.resume-window</c> for a RESUME. The new connection's own actor (admitted as a fresh
/// player) asks the registry, which hands it to this one; the new actor then hands over its
/// connection and stays only as a forwarder of that connection's events, because Akka.IO sends a
/// TCP connection's events to the actor that registered first, for good (its connection actor
/// takes <c>Tcp.Register</c> only before the first one). Writes go from here to the transport
/// directly. So every room, DIRECT and presence keeps addressing this actor, and order is kept:
/// the kept pushes go out right after RESUMED, before anything live.
/// </summary>
public sealed partial class ClientActor
{
    /// <summary>This session's connection dropped and it waits for a RESUME; told to the registry.</summary>
    public sealed record SessionDetached(long UserId, CloseReason Reason, string Detail) : INoSerializationVerificationNeeded;

    /// <summary>This session resumed on the connection that <paramref name="Forwarder"/> accepted; told to the registry.</summary>
    public sealed record SessionResumed(long UserId, IActorRef Forwarder) : INoSerializationVerificationNeeded;

    /// <summary>
    /// From the registry, to a detached session: the client behind <paramref name="NewConnection"/>
    /// presented this session's token. <paramref name="Token"/> is the next one, for RESUMED.
    /// </summary>
    public sealed record Adopt(IActorRef NewConnection, RawJson? Id, string Token) : INoSerializationVerificationNeeded;

    /// <summary>From the detached session to the new connection's actor: hand the connection over.</summary>
    public sealed record ResumeAccepted(IActorRef Session) : INoSerializationVerificationNeeded;

    /// <summary>From the registry (of any node) to the new connection's actor: no such session; <paramref name="Error"/> is the ERROR bad_session. Crosses nodes.</summary>
    public sealed record ResumeRefused(EncodedFrame Error);

    /// <summary>
    /// From the new connection's actor to the detached session: the connection, what its transport
    /// reported meanwhile (unread, in order), and how many writes of the old owner are still unacknowledged.
    /// </summary>
    public sealed record HandOver(IClientConnection Connection, IReadOnlyList<object> Held, int StrayWrites) : INoSerializationVerificationNeeded;

    private sealed class ResumeWindowEnded : INoSerializationVerificationNeeded
    {
        public static readonly ResumeWindowEnded Instance = new();
    }

    // Detached: the pushes kept for the RESUME, in order, and their bytes. Null while connected.
    private Queue<EncodedFrame>? _missed;
    private int _missedBytes;
    private ICancelable? _resumeExpiry;
    private Adopt? _adopting;

    // Handing over (this actor's connection sent RESUME): what the transport reported meanwhile.
    private bool _handingOver;
    private List<object>? _held;
    private IActorRef? _resumedSession;

    // A forwarder: this actor's connection now belongs to another session, which it forwards to.
    private bool _isProxy;
    // A resumed session: the actor its connection's events come through (it holds the TCP registration).
    private IActorRef? _forwarder;
    // Acknowledgements of writes the forwarder made before the hand-over: not ours.
    private int _strayWrites;

    private bool _stopping;
    private bool _connectionReleased;

    void ISessionHost.RequestResume(string token, RawJson? id)
    {
        _handingOver = true; // ReadFrames stops after this frame; what follows waits for the answer.
        _held = [];
        Context.Parent.Tell(new ClientRegistry.Resume(token, id));
        Become(HandingOver);
    }

    void ISessionHost.Bye() => BeginClose(CloseReason.Bye, error: null);

    /// <summary>
    /// A RESUME for this session while its connection still looks open: its player knows that
    /// connection is dead (a pulled cable, a phone that changed networks) long before the server
    /// could tell (the idle timeout). The old connection is reset and the session detaches as if
    /// it had dropped (the others see away, then back), then goes on as for any RESUME. A session
    /// that is closing, or is itself a fresh connection handing over, refuses.
    /// </summary>
    private void TakeOver(object adoptOrEmigrate)
    {
        if (StillOpen && !_handingOver && !_isProxy && !_stopping)
        {
            _log.Info("{0}: a RESUME on a new connection takes this session over; resetting the old connection", Who);
            _connection.Abort();
            Detach(CloseReason.ConnectionLost, "its player resumed on a new connection");
            if (!_stopping)
            {
                Detached(adoptOrEmigrate);
                return;
            }
        }

        var (replyTo, id) = adoptOrEmigrate switch
        {
            Adopt adopt => (adopt.NewConnection, adopt.Id),
            Emigrate emigrate => (emigrate.Connection, emigrate.Id),
            _ => throw new ArgumentException("not a take-over", nameof(adoptOrEmigrate)),
        };
        replyTo.Tell(new ResumeRefused(GameMetrics.ErrorFrame(new ProtocolError(ErrorCode.BadSession, "this session is ending"), id)));
    }

    /// <summary>The connection dropped for a reason the player may come back from: keep the session.</summary>
    private void Detach(CloseReason reason, string detail)
    {
        _closeTimeout?.Cancel();
        _closeTimeout = null;
        _readingPaused?.Cancel();
        _readingPaused = null;
        // Frames that never left are kept; one in flight may or may not have reached the client,
        // so it is not sent again (a push arrives at most once).
        _missed = new Queue<EncodedFrame>(_outbound.TakeUnsent());
        _missedBytes = _missed.Sum(f => f.Length);
        _outbound.Release();
        ReleaseConnection();
        _strayWrites = 0;
        Context.Parent.Tell(new SessionDetached(_session.UserId, reason, detail));
        TellRooms(away: true);
        _resumeExpiry = ScheduleOnce(_settings.Sessions.ResumeWindow, ResumeWindowEnded.Instance);
        Become(Detached);
        if (_missedBytes > _settings.Sessions.MaxBufferedBytes)
        {
            EndDetached(CloseReason.ResumeBufferFull);
        }
    }

    /// <summary>Detached: no connection. Pushes are kept; the registry may hand over a new connection.</summary>
    private void Detached(object message)
    {
        switch (message)
        {
            case Send send:
                KeepForResume(send.Frame);
                break;
            case Relayed relayed:
                foreach (var frame in relayed.Frames)
                {
                    if (frame.From != _session.UserId)
                    {
                        KeepForResume(frame.Frame);
                    }
                }

                break;
            case JoinedRoom or RoomHere or JoinRefused or RoomRebound:
                OnRoomAnswer(message);
                break;
            case Kick:
                EndDetached(CloseReason.Kicked);
                break;
            case Replace:
                EndDetached(CloseReason.Replaced); // Its account signed in again: this session is not coming back.
                break;
            case Shutdown:
                EndDetached(CloseReason.Shutdown);
                break;
            case ResumeWindowEnded:
                EndDetached(CloseReason.ResumeExpired);
                break;
            case Adopt adopt when _adopting is null:
                _adopting = adopt;
                adopt.NewConnection.Tell(new ResumeAccepted(Self));
                break;
            case HandOver handOver when _adopting is { } adopting && Sender.Equals(adopting.NewConnection):
                Attach(handOver, adopting);
                break;
            case Emigrate emigrate when _adopting is null:
                BeginEmigrating(emigrate);
                break;
            default:
                break; // Late news of the connection that dropped (a timer, an acknowledgement).
        }
    }

    private void KeepForResume(EncodedFrame frame)
    {
        if (_missed is null || _stopping)
        {
            return;
        }

        _missed.Enqueue(frame);
        _missedBytes += frame.Length;
        if (_missedBytes > _settings.Sessions.MaxBufferedBytes)
        {
            _log.InfoEvent("resume_buffer_full", "{Client}: over {MaxBufferedBytes} bytes of pushes waited for a RESUME; ending the session", Who, _settings.Sessions.MaxBufferedBytes);
            EndDetached(CloseReason.ResumeBufferFull);
        }
    }

    private void EndDetached(CloseReason reason)
    {
        _resumeExpiry?.Cancel();
        StopBecause(reason, "");
    }

    /// <summary>The new connection is this session's now: RESUMED, the kept pushes, then live traffic.</summary>
    private void Attach(HandOver handOver, Adopt adopting)
    {
        _resumeExpiry?.Cancel();
        _resumeExpiry = null;
        _adopting = null;
        _connection = handOver.Connection;
        _connectionReleased = false;
        _forwarder = adopting.NewConnection;
        _strayWrites = handOver.StrayWrites;
        var missed = _missed!;
        _missed = null;
        _missedBytes = 0;
        _session.OnResumed();
        _outbound.EnqueueUnbounded(ServerFrames.Resumed(_session.Player, _session.Rooms.Keys, missed.Count, adopting.Token, adopting.Id));
        foreach (var frame in missed)
        {
            // Bounded by sessions.max-buffered-bytes already; the client reads them right away.
            _outbound.EnqueueUnbounded(frame);
        }

        Become(OnReceive);
        Context.Parent.Tell(new SessionResumed(_session.UserId, adopting.NewConnection));
        if (_immigration is { } immigration)
        {
            immigration.Attached = true; // Its rooms said it is back as its seats moved.
            ForgetImmigrationIfDone(immigration);
        }
        else
        {
            TellRooms(away: false);
        }

        Flush();
        foreach (var held in handOver.Held)
        {
            if (_missed is not null || _stopping)
            {
                break; // The new connection dropped too (the rest is about it); detached again.
            }

            OnReceive(held);
        }
    }

    /// <summary>Handing over: this connection sent RESUME; waiting for the registry's or the session's answer.</summary>
    private void HandingOver(object message)
    {
        switch (message)
        {
            case ResumeAccepted accepted:
                _resumedSession = accepted.Session;
                HandOverNow();
                break;
            case ResumeRefused refused:
                OnResumeRefused(refused);
                break;
            case CheckIdle:
                break; // The answer is a few local hops away.
            default:
                _held!.Add(message); // Transport events and pushes, in order, for whoever keeps the connection.
                break;
        }
    }

    private void HandOverNow()
    {
        var held = _held!.Where(m => !OnlyWhileOpen(m)).ToList(); // Pushes for this fresh player no longer matter.
        _held = null;
        _isProxy = true;
        var stray = _outbound.IsEmpty ? 0 : 1; // One write in flight at most: WELCOME's.
        _resumedSession!.Tell(new HandOver(_connection, held, stray));
        Become(Forwarding);
    }

    private void OnResumeRefused(ResumeRefused refused)
    {
        if (!_handingOver)
        {
            return;
        }

        _handingOver = false;
        var held = _held!;
        _held = null;
        Become(OnReceive);
        Enqueue(refused.Error);
        ReadFrames(); // What came after RESUME in the same read.
        foreach (var message in held)
        {
            if (_missed is not null || _stopping)
            {
                break;
            }

            OnReceive(message);
        }
    }

    /// <summary>A forwarder: its connection belongs to a resumed session now; its events go there, in order.</summary>
    private void Forwarding(object message)
    {
        switch (message)
        {
            case CheckIdle or Shutdown or Kick or Send or Relayed or ResumeReading or CloseTimedOut:
                break; // About the fresh player this actor was; nobody else knows it.
            default:
                // As this actor, not as the transport: the session takes a connection event only
                // from its forwarder, so late events of a connection it let go are not mistaken for it.
                _resumedSession!.Tell(message, Self);
                break;
        }
    }

    private void TellRooms(bool away)
    {
        foreach (var (room, roomActor) in _session.Rooms)
        {
            roomActor?.Tell(new RoomActor.AwayOrBack(room, _session.UserId, away));
        }
    }

    /// <summary>Lets go of the connection: a forwarder leaves it to the session it forwards to; a session stops its forwarder, which holds the socket.</summary>
    private void ReleaseConnection()
    {
        if (_isProxy || _connectionReleased)
        {
            return;
        }

        _connectionReleased = true;
        _connection.Release();
        if (_forwarder is { } forwarder)
        {
            forwarder.Tell(PoisonPill.Instance);
            _forwarder = null;
        }
    }

    private void ReleaseDetached()
    {
        _resumeExpiry?.Cancel();
        _immigration?.Timeout?.Cancel();
        _missed = null;
    }
}
