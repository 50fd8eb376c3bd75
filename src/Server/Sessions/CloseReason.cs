namespace ActorGameServer.Server.Sessions;

/// <summary>
/// Every way a player's connection can end, whatever the transport: reported once to the
/// registry, logged once, counted once, and the same words in every log line. Strings are for
/// people; code and metrics (<see cref="CloseReasonExtensions.ToWire"/>) use these values.
/// </summary>
public enum CloseReason
{
    /// <summary>The client closed its side (TCP FIN, WebSocket close frame).</summary>
    ClientClosed,

    /// <summary>The connection broke: reset by the peer, a socket error, or aborted without a reason of ours.</summary>
    ConnectionLost,

    /// <summary>No complete frame within <c>idle-timeout</c>.</summary>
    IdleTimeout,

    /// <summary>Stayed over the rate limit for <c>rate-limit.disconnect-after</c>.</summary>
    RateLimited,

    /// <summary>More than <c>max-outbound-bytes</c> waited for a client that stopped reading.</summary>
    NotReading,

    /// <summary>A frame the server cannot trust: too large, bad UTF-8, not JSON, not an envelope.</summary>
    ProtocolError,

    /// <summary>The server is stopping.</summary>
    Shutdown,

    /// <summary>A bug while handling this client; it alone was stopped.</summary>
    ServerError,

    /// <summary>The transport refused a write; the connection is no longer usable.</summary>
    WriteFailed,

    /// <summary>An administrator kicked the player (the admin API).</summary>
    Kicked,

    /// <summary>Sign-in is required and the player did not sign in within <c>auth.timeout</c>.</summary>
    Unauthenticated,

    /// <summary>The player's account signed in on another connection (<c>auth.single-session</c>).</summary>
    Replaced,
    /// <summary>The client said BYE: it left on purpose, so its session ends at once.</summary>
    Bye,

    /// <summary>The connection had dropped and no RESUME came within <c>sessions.resume-window</c>.</summary>
    ResumeExpired,

    /// <summary>The connection had dropped and more than <c>sessions.max-buffered-bytes</c> of pushes waited for a RESUME.</summary>
    ResumeBufferFull,

    /// <summary>
    /// The session moved to another node of the cluster, where its player reconnected: not an end
    /// for the player, only for this node's actor of it. Never counted as a disconnect.
    /// </summary>
    Moved,
}

public static class CloseReasonExtensions
{
    /// <summary>
    /// Whether the player may come back with RESUME after a connection ended this way: the
    /// connection dropped or went quiet, as a network does. Not when the server closed it on
    /// purpose (abuse, a kick, shutdown, a bug) or the client said BYE.
    /// </summary>
    public static bool IsResumable(this CloseReason reason) =>
        reason is CloseReason.ClientClosed or CloseReason.ConnectionLost or CloseReason.IdleTimeout or CloseReason.WriteFailed;

    /// <summary>The reason in snake_case, as the <c>reason</c> label of <c>game_server_disconnects_total</c>.</summary>
    public static string ToWire(this CloseReason reason) => reason switch
    {
        CloseReason.ClientClosed => "client_closed",
        CloseReason.ConnectionLost => "connection_lost",
        CloseReason.IdleTimeout => "idle_timeout",
        CloseReason.RateLimited => "rate_limited",
        CloseReason.NotReading => "not_reading",
        CloseReason.ProtocolError => "protocol_error",
        CloseReason.Shutdown => "shutdown",
        CloseReason.ServerError => "server_error",
        CloseReason.WriteFailed => "write_failed",
        CloseReason.Kicked => "kicked",
        CloseReason.Unauthenticated => "unauthenticated",
        CloseReason.Replaced => "replaced",
        CloseReason.Bye => "bye",
        CloseReason.ResumeExpired => "resume_expired",
        CloseReason.ResumeBufferFull => "resume_buffer_full",
        CloseReason.Moved => "moved",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
    };

    /// <summary>How the reason reads in a log line.</summary>
    public static string Describe(this CloseReason reason) => reason switch
    {
        CloseReason.ClientClosed => "client closed the connection",
        CloseReason.ConnectionLost => "connection lost",
        CloseReason.IdleTimeout => "idle timeout",
        CloseReason.RateLimited => "rate limit exceeded",
        CloseReason.NotReading => "not reading (max-outbound-bytes exceeded)",
        CloseReason.ProtocolError => "protocol error",
        CloseReason.Shutdown => "server shutting down",
        CloseReason.ServerError => "server error",
        CloseReason.WriteFailed => "write failed",
        CloseReason.Kicked => "kicked by an administrator",
        CloseReason.Unauthenticated => "not signed in within auth.timeout",
        CloseReason.Replaced => "replaced by a sign-in with the same account",
        CloseReason.Bye => "client said BYE",
        CloseReason.ResumeExpired => "no RESUME within the resume window",
        CloseReason.ResumeBufferFull => "too many pushes waited for a RESUME (sessions.max-buffered-bytes)",
        CloseReason.Moved => "moved to another node with its new connection",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
    };
}
