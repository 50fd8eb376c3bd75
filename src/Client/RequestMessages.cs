using System.Text.Json;

namespace ActorGameServer.Client;

/// <summary>The JSON of the requests both clients send, written in one place so they cannot drift apart.</summary>
internal static class RequestMessages
{
    /// <summary>JOIN, LEAVE and WHO: <c>{"room": ...}</c>.</summary>
    public static string Room(string room) => JsonSerializer.Serialize(new { room });

    /// <summary>RELAY: the room, and the data as the JSON text given.</summary>
    public static string Relay(string room, string dataJson) => $"{{\"room\":{JsonSerializer.Serialize(room)},\"data\":{dataJson}}}";

    /// <summary>DIRECT: the recipient's user id, and the data as the JSON text given.</summary>
    public static string Direct(long toUserId, string dataJson) => $"{{\"to\":{toUserId},\"data\":{dataJson}}}";
}
