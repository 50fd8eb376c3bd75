namespace ActorGameServer.Protocol;

/// <summary>
/// A player as others see it: <c>{"user_id": 7, "name": "Ada"}</c>, plus <c>"account"</c> (the
/// token's <c>sub</c>) once the player signed in with a token. Null, not empty, for everyone else,
/// so their entries stay byte for byte what they were before sign-in existed.
/// </summary>
public readonly record struct PlayerInfo(long UserId, string Name, string? Account = null);
