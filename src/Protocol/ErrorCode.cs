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

    /// <summary>The message lacks the fields the command needs, or the command is not allowed now.</summary>
    BadRequest,

    /// <summary>HELLO with a name that is empty, too long, or has control characters.</summary>
    BadName,

    /// <summary>A room name that is empty, too long, or has characters outside <c>A-Za-z0-9_.:-</c>.</summary>
    BadRoom,

    /// <summary>The room has as many members as a room may.</summary>
    RoomFull,

    /// <summary>The player is in as many rooms as one player may, or the server holds as many rooms as it may.</summary>
    TooManyRooms,

    /// <summary>JOIN for a room the player is already in.</summary>
    AlreadyInRoom,

    /// <summary>LEAVE or RELAY for a room the player is not in.</summary>
    NotInRoom,

    /// <summary>DIRECT to a user id that is not connected.</summary>
    NoSuchUser,

    /// <summary>An administrator disconnected this player; the detail is the reason they gave. The connection closes after it.</summary>
    Kicked,

    /// <summary>HELLO with a token that is not valid: bad signature, expired, not yet valid, another issuer or audience. The connection stays open.</summary>
    BadToken,

    /// <summary>
    /// Sign-in is required and the player has not signed in: the request was refused (the
    /// connection stays open), or no sign-in came within the auth timeout (the connection closes after it).
    /// </summary>
    Unauthenticated,

    /// <summary>The same account signed in on another connection; this one closes after it.</summary>
    Replaced,
    /// <summary>RESUME with a session token that is wrong, expired, already used, or another node's. The connection stays open.</summary>
    BadSession,
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
        ErrorCode.BadRequest => "bad_request",
        ErrorCode.BadName => "bad_name",
        ErrorCode.BadRoom => "bad_room",
        ErrorCode.RoomFull => "room_full",
        ErrorCode.TooManyRooms => "too_many_rooms",
        ErrorCode.AlreadyInRoom => "already_in_room",
        ErrorCode.NotInRoom => "not_in_room",
        ErrorCode.NoSuchUser => "no_such_user",
        ErrorCode.Kicked => "kicked",
        ErrorCode.BadToken => "bad_token",
        ErrorCode.Unauthenticated => "unauthenticated",
        ErrorCode.Replaced => "replaced",
        ErrorCode.BadSession => "bad_session",
        _ => throw new ArgumentOutOfRangeException(nameof(code), code, null),
    };

}
