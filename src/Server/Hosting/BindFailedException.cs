namespace ActorGameServer.Server.Hosting;

/// <summary>The game port could not be bound (in use, no permission, unknown address).</summary>
public sealed class BindFailedException(string message) : Exception(message);
