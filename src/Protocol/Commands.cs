namespace ActorGameServer.Protocol;

/// <summary>The <c>cmd</c> values of the protocol, in one place.</summary>
public static class Commands
{
    // Client -> server
    public const string Ping = "PING";

    // Server -> client
    public const string Pong = "PONG";
    public const string Welcome = "WELCOME";
    public const string Error = "ERROR";
    public const string Shutdown = "SHUTDOWN";
}
