namespace ActorGameServer.Client;

/// <summary>Where a <see cref="ReconnectingGameClient"/> stands with the server.</summary>
public enum ConnectionState
{
    /// <summary>
    /// Not connected and not trying: before <see cref="ReconnectingGameClient.ConnectAsync"/>, and
    /// for good once it stopped (disposed, BYE, kicked, replaced, or it gave up reconnecting).
    /// </summary>
    Disconnected,

    /// <summary>A connection is up and its session established: requests go through.</summary>
    Connected,

    /// <summary>The connection dropped and the client is getting one back; requests fail meanwhile.</summary>
    Reconnecting,
}
