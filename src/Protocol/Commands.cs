namespace ActorGameServer.Protocol;

/// <summary>The <c>cmd</c> values of the protocol, in one place.</summary>
public static class Commands
{
    // Requests. RELAY, DIRECT, ROOMS and WHO are also the names of what the server sends back.
    public const string Ping = "PING";
    public const string Hello = "HELLO";
    public const string Join = "JOIN";
    public const string Leave = "LEAVE";
    public const string Relay = "RELAY";
    public const string Direct = "DIRECT";
    public const string Rooms = "ROOMS";
    public const string Who = "WHO";

    // Replies and pushes.
    public const string Pong = "PONG";
    public const string Welcome = "WELCOME";
    public const string HelloOk = "HELLO_OK";
    public const string Joined = "JOINED";
    public const string Left = "LEFT";
    public const string Presence = "PRESENCE";
    public const string Error = "ERROR";
    public const string Shutdown = "SHUTDOWN";
}
