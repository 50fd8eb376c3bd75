namespace ActorGameServer.Client;

/// <summary>
/// <see cref="ReconnectingGameClient.StateChanged"/>: the client is now <paramref name="State"/>.
/// <paramref name="Reason"/> is why the connection went: for <see cref="ConnectionState.Reconnecting"/>
/// what broke it (null when the server closed it in order), for
/// <see cref="ConnectionState.Disconnected"/> what stopped the client for good (a
/// <see cref="GameServerException"/> <c>kicked</c> or <c>replaced</c>, the last failed attempt's
/// error once it gave up), null after a dispose or BYE.
/// </summary>
public sealed record ConnectionStateChange(ConnectionState State, Exception? Reason);
