using System.Buffers.Binary;
using System.Text;

namespace ActorGameServer.Floor;

/// <summary>The two canned frames of the load test's <c>hold</c> handshake; nothing is parsed.</summary>
internal static class FloorFrames
{
    public static readonly byte[] Welcome = Frame("""{"cmd":"WELCOME","message":{}}""");
    public static readonly byte[] Pong = Frame("""{"cmd":"PONG","message":0}""");

    private static byte[] Frame(string json)
    {
        var payload = Encoding.UTF8.GetBytes(json);
        var frame = new byte[4 + payload.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(frame, (uint)payload.Length);
        payload.CopyTo(frame, 4);
        return frame;
    }
}
