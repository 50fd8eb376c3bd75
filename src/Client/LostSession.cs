namespace ActorGameServer.Client;

/// <summary>
/// <see cref="ReconnectingGameClient.SessionLost"/>: a reconnect could not take the old session
/// back, so the client is a new player now: <paramref name="UserId"/> instead of
/// <paramref name="PreviousUserId"/>, signed in again when it was configured to, and back in
/// <paramref name="Rooms"/>. The pushes of the old session that were not delivered before the drop
/// are lost; the others saw the old player leave and the new one join.
/// </summary>
/// <param name="Reason">Why, for a log: the server's <c>bad_session</c> detail, a SHUTDOWN, or resume being off.</param>
/// <param name="RoomsNotRejoined">The remembered rooms that refused the new player (<c>room_full</c>, ...), with the error.</param>
public sealed record LostSession(
    long PreviousUserId,
    long UserId,
    string Reason,
    IReadOnlyList<string> Rooms,
    IReadOnlyDictionary<string, GameServerException> RoomsNotRejoined);
