using System.Net.WebSockets;

namespace ActorGameServer.Client;

/// <summary>How a <see cref="ReconnectingGameClient"/> signs in, reconnects and keeps its connection alive.</summary>
public sealed class ReconnectingGameClientOptions
{
    /// <summary>
    /// The player's name, sent in HELLO on every fresh session (the first connection, and a reconnect
    /// whose resume was refused). Null: no name, or the sign-in token's <c>name</c> claim.
    /// </summary>
    public string? Name { get; init; }

    /// <summary>
    /// A sign-in token (a JWT from your login service, docs/PROTOCOL.md "Sign-in"), sent in HELLO on
    /// every fresh session. A resumed session keeps its account without it. The client's
    /// <see cref="ReconnectingGameClient.SignInToken"/> replaces it when the game refreshes the token.
    /// </summary>
    public string? SignInToken { get; init; }

    /// <summary>The delay before the first reconnect attempt after a drop; it doubles with every failed attempt.</summary>
    public TimeSpan MinReconnectDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest delay between reconnect attempts.</summary>
    public TimeSpan MaxReconnectDelay { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Attempts after a drop before the client gives up and is <see cref="ConnectionState.Disconnected"/>;
    /// null keeps trying until it is disposed. The default, 10, is about a minute and a half at the
    /// default delays: past the server's default resume window of 20 s, so the last attempts can
    /// only start a fresh session.
    /// </summary>
    public int? MaxReconnectAttempts { get; init; } = 10;

    /// <summary>
    /// How long one reconnect attempt may take, from connecting through WELCOME, RESUME (or HELLO
    /// and joining the rooms again) until the client is <see cref="ConnectionState.Connected"/>.
    /// </summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How often the client PINGs while connected; null sends none. The server closes a connection
    /// that sends nothing for its <c>idle-timeout</c> (30 s by default), and a pulled cable sends no
    /// FIN, so only an unanswered PING shows that such a connection is dead.
    /// </summary>
    public TimeSpan? HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>A heartbeat PING not answered within this long counts as a dropped connection.</summary>
    public TimeSpan HeartbeatTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Whether to come back after the server's SHUTDOWN (a restart): after its
    /// <c>reconnect_after_ms</c> at the earliest, as a fresh session (SHUTDOWN ends the session,
    /// so there is nothing to resume). False: SHUTDOWN stops the client like a kick.
    /// </summary>
    public bool ReconnectAfterShutdown { get; init; } = true;

    /// <summary>For a WebSocket connection: headers, certificates, a proxy..., applied before every handshake.</summary>
    public Action<ClientWebSocketOptions>? ConfigureWebSocket { get; init; }

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MinReconnectDelay, TimeSpan.Zero, nameof(MinReconnectDelay));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxReconnectDelay, MinReconnectDelay, nameof(MaxReconnectDelay));
        if (MaxReconnectAttempts is { } attempts)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(attempts, nameof(MaxReconnectAttempts));
        }

        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(AttemptTimeout, TimeSpan.Zero, nameof(AttemptTimeout));
        if (HeartbeatInterval is { } interval)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero, nameof(HeartbeatInterval));
        }

        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(HeartbeatTimeout, TimeSpan.Zero, nameof(HeartbeatTimeout));
    }
}
