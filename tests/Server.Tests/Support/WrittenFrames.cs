using System.Buffers.Binary;
using System.Text;
using Akka.IO;
using Newtonsoft.Json.Linq;

namespace ActorGameServer.Server.Tests.Support;

/// <summary>Splits the bytes of a <c>Tcp.Write</c> into frames, by hand, for actor tests.</summary>
public static class WrittenFrames
{
    public static IReadOnlyList<JObject> Of(Tcp.Write write) => Of(write.Data.ToArray());

    public static IReadOnlyList<JObject> Of(byte[] bytes)
    {
        var frames = new List<JObject>();
        var offset = 0;
        while (offset < bytes.Length)
        {
            var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset));
            frames.Add(Json.Parse(Encoding.UTF8.GetString(bytes, offset + 4, length)));
            offset += 4 + length;
        }

        return frames;
    }

    public static Tcp.Received Received(string json) => new(ByteString.FromBytes(WireClient.Frame(Encoding.UTF8.GetBytes(json))));
}
