using System.Buffers.Binary;
using System.Text;

namespace ActorGameServer.Floor;

/// <summary>
/// The least a server can do to speak the protocol: a canned WELCOME, and PONG made from the PING's
/// own bytes by overwriting <c>"PING"</c> with <c>"PONG"</c> (same length, so the header stays
/// right). Nothing is parsed; it assumes whole frames per read, which holds for the load test's
/// one-request-at-a-time clients on loopback.
/// </summary>
internal static class FloorFrames
{
    public static readonly byte[] Welcome = Frame("""{"cmd":"WELCOME","message":{}}""");

    private static readonly byte[] Ping = Encoding.UTF8.GetBytes("\"PING\"");
    private static readonly byte[] Pong = Encoding.UTF8.GetBytes("\"PONG\"");

    /// <summary>Turns every PING in <paramref name="frames"/> into a PONG, in place.</summary>
    public static void PingToPong(Span<byte> frames)
    {
        int at;
        while ((at = frames.IndexOf(Ping)) >= 0)
        {
            Pong.CopyTo(frames[at..]);
            frames = frames[(at + Pong.Length)..];
        }
    }

    private static byte[] Frame(string json)
    {
        var payload = Encoding.UTF8.GetBytes(json);
        var frame = new byte[4 + payload.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(frame, (uint)payload.Length);
        payload.CopyTo(frame, 4);
        return frame;
    }
}
