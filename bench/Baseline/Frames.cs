using System.Buffers.Binary;
using System.Text;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace ActorGameServer.Baseline;

/// <summary>
/// The frames this server sends: a JObject serialized with Newtonsoft, behind the 4-byte
/// little-endian length, in one array (the outbox copies queued arrays into one send). Keys are
/// in the actor server's order (src/Protocol/ServerFrames.cs), so the frames are the same bytes
/// wherever Newtonsoft writes the values the same way (README.md lists where it does not).
/// </summary>
internal static class Frames
{
    public const int HeaderSize = 4;

    public static byte[] Welcome(long userId, int maxPayload, string version) =>
        Build("WELCOME", new JObject
        {
            ["user_id"] = userId,
            ["max_payload"] = maxPayload,
            ["version"] = version,
        });

    /// <summary>The PING's message (null when it had none) and its id, when it had one.</summary>
    public static byte[] Pong(Request ping) => Build("PONG", ping.Message, ping.Id);

    public static byte[] Error(string code, string detail, JToken? id = null) =>
        Build("ERROR", new JObject { ["code"] = code, ["detail"] = detail }, id);

    public static byte[] HelloOk(long userId, string name, JToken? id) => Build("HELLO_OK", Player(userId, name), id);

    /// <summary>The room and its members, the joiner included, ordered by user id.</summary>
    public static byte[] Joined(string room, IEnumerable<(long UserId, string Name)> members, JToken? id) =>
        Build("JOINED", new JObject
        {
            ["room"] = room,
            ["members"] = new JArray(members.Select(m => Player(m.UserId, m.Name))),
        }, id);

    public static byte[] Left(string room, JToken? id) => Build("LEFT", new JObject { ["room"] = room }, id);

    public static byte[] PresenceJoined(string room, long userId, string name) =>
        Build("PRESENCE", new JObject { ["room"] = room, ["joined"] = Player(userId, name) });

    public static byte[] PresenceLeft(string room, long userId) =>
        Build("PRESENCE", new JObject { ["room"] = room, ["left"] = new JObject { ["user_id"] = userId } });

    /// <summary>The RELAY push: built once per relay, and the same bytes go to every other member.</summary>
    public static byte[] Relay(string room, long from, JToken data) =>
        Build("RELAY", new JObject { ["room"] = room, ["from"] = from, ["data"] = data });

    private static JObject Player(long userId, string name) => new() { ["user_id"] = userId, ["name"] = name };

    private static byte[] Build(string cmd, JToken message, JToken? id = null)
    {
        var envelope = new JObject { ["cmd"] = cmd, ["message"] = message };
        if (id is not null)
        {
            envelope["id"] = id;
        }

        var json = envelope.ToString(Formatting.None);
        var frame = new byte[HeaderSize + Encoding.UTF8.GetByteCount(json)];
        BinaryPrimitives.WriteUInt32LittleEndian(frame, (uint)(frame.Length - HeaderSize));
        Encoding.UTF8.GetBytes(json, frame.AsSpan(HeaderSize));
        return frame;
    }
}
