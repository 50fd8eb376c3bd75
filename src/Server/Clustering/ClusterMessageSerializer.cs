using ActorGameServer.Protocol;
using ActorGameServer.Server.Actors;
using Akka.Actor;
using Akka.Serialization;
using Google.Protobuf;

namespace ActorGameServer.Server.Clustering;

/// <summary>
/// The binary form of the server's messages that cross nodes, bound to them in
/// hocon/server.hocon (never Akka's JSON fallback). Protocol Buffers' wire format, written and
/// read field by field with Google.Protobuf's coded streams, which Akka.Remote already ships:
/// each message is a few numbers and byte strings, so a .proto file and generated classes would
/// be more code than this. Field numbers are the contract between nodes of different versions:
/// never reuse one. A JSON payload (<see cref="RawJson"/>) travels as its UTF-8 bytes, unparsed.
/// </summary>
public sealed class ClusterMessageSerializer(ExtendedActorSystem actorSystem) : SerializerWithStringManifest(actorSystem)
{
    private const string DirectManifest = "D";
    private const string NoSuchUserManifest = "N";

    // Unique among the system's serializers; Akka reserves 0-40.
    public override int Identifier => 9300;

    public override string Manifest(object o) => o switch
    {
        ClientRegistry.Direct => DirectManifest,
        ClientRegistry.NoSuchUser => NoSuchUserManifest,
        _ => throw new ArgumentException($"{nameof(ClusterMessageSerializer)} cannot serialize {o.GetType()}", nameof(o)),
    };

    public override byte[] ToBinary(object obj)
    {
        using var buffer = new MemoryStream();
        var output = new CodedOutputStream(buffer);
        switch (obj)
        {
            case ClientRegistry.Direct direct:
                WriteInt64(output, 1, direct.From);
                WriteInt64(output, 2, direct.To);
                WriteJson(output, 3, direct.Data);
                WriteJson(output, 4, direct.Id);
                break;
            case ClientRegistry.NoSuchUser noSuchUser:
                output.WriteTag(1, WireFormat.WireType.LengthDelimited);
                output.WriteString(Serialization.SerializedActorPath(noSuchUser.ReplyTo));
                WriteInt64(output, 2, noSuchUser.To);
                WriteJson(output, 3, noSuchUser.Id);
                break;
            default:
                throw new ArgumentException($"{nameof(ClusterMessageSerializer)} cannot serialize {obj.GetType()}", nameof(obj));
        }

        output.Flush();
        return buffer.ToArray();
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        var input = new CodedInputStream(bytes);
        long from = 0, to = 0;
        RawJson? first = null, second = null;
        string? path = null;
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (manifest, WireFormat.GetTagFieldNumber(tag))
            {
                case (DirectManifest, 1):
                    from = input.ReadInt64();
                    break;
                case (DirectManifest, 2) or (NoSuchUserManifest, 2):
                    to = input.ReadInt64();
                    break;
                case (DirectManifest, 3) or (NoSuchUserManifest, 3):
                    first = new RawJson(input.ReadBytes().ToByteArray());
                    break;
                case (DirectManifest, 4):
                    second = new RawJson(input.ReadBytes().ToByteArray());
                    break;
                case (NoSuchUserManifest, 1):
                    path = input.ReadString();
                    break;
                default:
                    input.SkipLastField(); // A field from a newer version: ignored, as protobuf does.
                    break;
            }
        }

        return manifest switch
        {
            DirectManifest => new ClientRegistry.Direct(from, to, first ?? RawJson.Null, second),
            NoSuchUserManifest => new ClientRegistry.NoSuchUser(
                system.Provider.ResolveActorRef(path ?? throw new System.Runtime.Serialization.SerializationException("NoSuchUser without a reply_to")), to, first),
            _ => throw new System.Runtime.Serialization.SerializationException($"unknown manifest {manifest} for {nameof(ClusterMessageSerializer)}"),
        };
    }

    private static void WriteInt64(CodedOutputStream output, int field, long value)
    {
        output.WriteTag(field, WireFormat.WireType.Varint);
        output.WriteInt64(value);
    }

    // An absent value (a request without an id) is an absent field.
    private static void WriteJson(CodedOutputStream output, int field, RawJson? json)
    {
        if (json is null)
        {
            return;
        }

        output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(ByteString.CopyFrom(json.Utf8));
    }
}
