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
        _ => throw new ArgumentOutOfRangeException(nameof(code), code, null),
    };

    /// <summary>
    /// Whether the server closes the connection after sending this error. Only <c>unknown_cmd</c>
    /// keeps it open, so an older server can still talk to a newer client; every other error means
    /// the byte stream can no longer be trusted.
    /// </summary>
    public static bool ClosesConnection(this ErrorCode code) => code != ErrorCode.UnknownCmd;
}
