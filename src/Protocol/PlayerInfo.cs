namespace ActorGameServer.Protocol;

/// <summary>A player as others see it: <c>{"user_id": 7, "name": "Ada"}</c>.</summary>
public readonly record struct PlayerInfo(long UserId, string Name);
