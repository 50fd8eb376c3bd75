namespace ActorGameServer.Protocol;

/// <summary>The codes a client can find in <c>{"cmd":"ERROR","message":{"code":...}}</c>.</summary>
public enum ErrorCode
{
    /// <summary>The length prefix is above the server's max payload. Decided from the 4 header bytes alone.</summary>
    FrameTooLarge,

    /// <summary>The payload is not valid UTF-8.</summary>
    BadUtf8,

    /// <summary>The payload is not JSON: empty frame, syntax error, trailing data, or nested too deep.</summary>
    BadJson,

    /// <summary>Valid JSON, but not an object with a string <c>cmd</c>.</summary>
    BadEnvelope,

    /// <summary>A well-formed request for a command this server does not know. The connection stays open.</summary>
    UnknownCmd,

    /// <summary>No frame completed within the idle timeout (a dead client, or a slowloris).</summary>
    IdleTimeout,

    /// <summary>
    /// Over the per-connection message or byte rate: the frame was dropped. A client that stays
    /// over the limit is disconnected with the same code.
    /// </summary>
    RateLimited,

    /// <summary>The server holds as many connections as it is configured for.</summary>
    ServerFull,

    /// <summary>The client's IP address holds as many connections as one address may.</summary>
    TooManyConnections,
}

public static class ErrorCodeExtensions
{
    /// <summary>The code as it is spelled on the wire.</summary>
    public static string ToWire(this ErrorCode code) => code switch
    {
        ErrorCode.FrameTooLarge => "frame_too_large",
        ErrorCode.BadUtf8 => "bad_utf8",
        ErrorCode.BadJson => "bad_json",
        ErrorCode.BadEnvelope => "bad_envelope",
        ErrorCode.UnknownCmd => "unknown_cmd",
        ErrorCode.IdleTimeout => "idle_timeout",
        ErrorCode.RateLimited => "rate_limited",
        ErrorCode.ServerFull => "server_full",
        ErrorCode.TooManyConnections => "too_many_connections",
        _ => throw new ArgumentOutOfRangeException(nameof(code), code, null),
    };

    /// <summary>
    /// Whether the server always closes the connection after sending this error. <c>unknown_cmd</c>
    /// keeps it open, so an older server can still talk to a newer client, and so does a single
    /// <c>rate_limited</c> (the frame is only dropped); every other error means the byte stream can
    /// no longer be trusted or the client cannot stay.
    /// </summary>
    public static bool ClosesConnection(this ErrorCode code) => code is not (ErrorCode.UnknownCmd or ErrorCode.RateLimited);
}
