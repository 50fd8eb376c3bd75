namespace ActorGameServer.Server.Configuration;

/// <summary>A configuration the server cannot start with. The message is shown to the operator as is.</summary>
public sealed class ConfigurationException(string message, Exception? inner = null) : Exception(message, inner);
