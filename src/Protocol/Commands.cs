using System.Text;
using System.Text.Json;

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
    public const string Resume = "RESUME";
    public const string Bye = "BYE";

    // Replies and pushes.
    public const string Pong = "PONG";
    public const string Welcome = "WELCOME";
    public const string HelloOk = "HELLO_OK";
    public const string Joined = "JOINED";
    public const string Left = "LEFT";
    public const string Presence = "PRESENCE";
    public const string Error = "ERROR";
    public const string Shutdown = "SHUTDOWN";
    public const string Notice = "NOTICE";
    public const string Resumed = "RESUMED";

    // Most frequent first: a game's frames are mostly PING and RELAY.
    private static readonly (byte[] Utf8, string Name)[] Known =
        [.. new[] { Ping, Relay, Direct, Pong, Join, Leave, Hello, Rooms, Who, Welcome, HelloOk, Joined, Left, Presence, Error, Shutdown, Notice, Resume, Resumed, Bye }
            .Select(name => (Encoding.UTF8.GetBytes(name), name))];

    /// <summary>
    /// The constant for the string value under <paramref name="reader"/> when it is one of the
    /// protocol's commands, else null. Every frame names its command, so matching the bytes
    /// instead of allocating a new string saves an allocation per frame on the hot path.
    /// </summary>
    internal static string? KnownOrNull(ref Utf8JsonReader reader)
    {
        foreach (var (utf8, name) in Known)
        {
            if (reader.ValueTextEquals(utf8))
            {
                return name;
            }
        }

        return null;
    }
}
