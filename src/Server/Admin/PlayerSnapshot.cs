namespace ActorGameServer.Server.Admin;

/// <summary>
/// One connected player as the admin API lists it, taken by the player's own actor when asked
/// (its traffic counts are plain fields only that actor writes). Crosses nodes inside
/// <see cref="Actors.ClientRegistry.NodePlayers"/>.
/// </summary>
/// <param name="Remote">The client's address and port as the server sees it (the proxy's client for a trusted proxy).</param>
/// <param name="Transport">"tcp" or "websocket".</param>
/// <param name="Rooms">The rooms the player is in (or joining), by name.</param>
public sealed record PlayerSnapshot(
    long UserId,
    string Name,
    string Remote,
    string Transport,
    IReadOnlyList<string> Rooms,
    DateTimeOffset ConnectedAt,
    long FramesIn,
    long FramesOut,
    long BytesIn,
    long BytesOut);
