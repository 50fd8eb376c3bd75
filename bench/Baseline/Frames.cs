using System.Buffers.Binary;
using System.Text;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace ActorGameServer.Baseline;

/// <summary>
/// The frames this server sends: a JObject serialized with Newtonsoft, behind the 4-byte
/// little-endian length. Header and payload go out in one array so each frame is one send.
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
