namespace ActorGameServer.Client;

/// <summary>
/// <see cref="ReconnectingGameClient.Away"/> and <see cref="ReconnectingGameClient.Back"/>: the
/// member <paramref name="UserId"/> of <paramref name="Room"/> lost its connection, or resumed.
/// </summary>
public sealed record MemberPresence(string Room, long UserId);
