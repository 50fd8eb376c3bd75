namespace ActorGameServer.Protocol;

/// <summary>What went wrong with a frame, in words a game developer can act on.</summary>
public sealed record ProtocolError(ErrorCode Code, string Detail);
