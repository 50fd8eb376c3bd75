namespace ActorGameServer.Server.Limits;

/// <summary>The <c>game-server.rate-limit</c> section: per-connection limits on what a client sends.</summary>
public sealed record RateLimitSettings(
    double MessagesPerSecond,
    double MessageBurst,
    double BytesPerSecond,
    double ByteBurst,
    TimeSpan DisconnectAfter,
    TimeSpan ErrorInterval);
