using System.Text;
using ActorGameServer.Protocol;

namespace ActorGameServer.Floor;

/// <summary>
/// The least a server can do to speak the protocol: a canned WELCOME, and PONG made from the PING's
/// own bytes by overwriting <c>"PING"</c> with <c>"PONG"</c> (same length, so the header stays
/// right). Nothing is parsed; it assumes whole frames per read, which holds for the load test's
/// one-request-at-a-time clients on loopback.
/// </summary>
internal static class FloorFrames
{
    public static readonly byte[] Welcome = FrameWriter.Frame(Encoding.UTF8.GetBytes("""{"cmd":"WELCOME","message":{}}"""));

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
}
