using System.Runtime.Serialization;
using ActorGameServer.Protocol;
using Akka.Actor;
using Google.Protobuf;

namespace ActorGameServer.Server.Clustering;

/// <summary>
/// The few Protocol Buffers field kinds the server's cluster messages are made of, written and
/// read with Google.Protobuf's coded streams (which Akka.Remote ships). An absent value (a request
/// without an id) is an absent field, as in protobuf. Nested messages (a player, a relayed frame)
/// are length-delimited fields holding their own fields.
/// </summary>
internal static class ProtoWire
{
    public static byte[] Write(Action<CodedOutputStream> fields)
    {
        using var buffer = new MemoryStream();
        var output = new CodedOutputStream(buffer);
        fields(output);
        output.Flush();
        return buffer.ToArray();
    }

    /// <summary>Calls <paramref name="field"/> with each field's number; it reads the value, or skips it (a field from a newer version).</summary>
    public static void Read(ReadOnlySpan<byte> bytes, ReadField field) => Read(new CodedInputStream(bytes.ToArray()), field);

    public static void Read(CodedInputStream input, ReadField field)
    {
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (!field(WireFormat.GetTagFieldNumber(tag), input))
            {
                input.SkipLastField();
            }
        }
    }

    /// <summary>Reads the value of field <paramref name="number"/> from <paramref name="input"/>; false to skip it.</summary>
    public delegate bool ReadField(int number, CodedInputStream input);

    public static void WriteInt64(CodedOutputStream output, int field, long value)
    {
        if (value != 0)
        {
            output.WriteTag(field, WireFormat.WireType.Varint);
            output.WriteInt64(value);
        }
    }

    public static void WriteBool(CodedOutputStream output, int field, bool value)
    {
        if (value)
        {
            output.WriteTag(field, WireFormat.WireType.Varint);
            output.WriteBool(value);
        }
    }

    public static void WriteDouble(CodedOutputStream output, int field, double value)
    {
        if (value != 0)
        {
            output.WriteTag(field, WireFormat.WireType.Fixed64);
            output.WriteDouble(value);
        }
    }

    public static void WriteString(CodedOutputStream output, int field, string value)
    {
        output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        output.WriteString(value);
    }

    public static void WriteBytes(CodedOutputStream output, int field, ReadOnlySpan<byte> value)
    {
        output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(ByteString.CopyFrom(value));
    }

    public static void WriteJson(CodedOutputStream output, int field, RawJson? json)
    {
        if (json is not null)
        {
            WriteBytes(output, field, json.Utf8);
        }
    }

    /// <summary>A frame travels as its JSON text; the receiving node puts the length prefix back.</summary>
    public static void WriteFrame(CodedOutputStream output, int field, EncodedFrame? frame)
    {
        if (frame is not null)
        {
            WriteBytes(output, field, frame.Json.Span);
        }
    }

    public static void WriteRef(CodedOutputStream output, int field, IActorRef actor) =>
        WriteString(output, field, Akka.Serialization.Serialization.SerializedActorPath(actor));

    public static void WriteMessage(CodedOutputStream output, int field, Action<CodedOutputStream> fields) =>
        WriteBytes(output, field, Write(fields));

    /// <summary>
    /// A player: user id in field 1, name in field 2, account in field 3 (absent when not signed
    /// in, so a node of the previous version reads the rest and skips nothing it knows).
    /// </summary>
    public static void WritePlayer(CodedOutputStream output, int field, PlayerInfo player) =>
        WriteMessage(output, field, o =>
        {
            WriteInt64(o, 1, player.UserId);
            WriteString(o, 2, player.Name);
            if (player.Account is { } account)
            {
                WriteString(o, 3, account);
            }
        });

    public static RawJson ReadJson(CodedInputStream input) => new(input.ReadBytes().ToByteArray());

    public static EncodedFrame ReadFrame(CodedInputStream input) => new(input.ReadBytes().Span);

    public static IActorRef ReadRef(CodedInputStream input, ExtendedActorSystem system) => system.Provider.ResolveActorRef(input.ReadString());

    public static PlayerInfo ReadPlayer(CodedInputStream input)
    {
        long userId = 0;
        var name = "";
        string? account = null;
        Read(input.ReadBytes().Span, (number, field) =>
        {
            switch (number)
            {
                case 1:
                    userId = field.ReadInt64();
                    return true;
                case 2:
                    name = field.ReadString();
                    return true;
                case 3:
                    account = field.ReadString();
                    return true;
                default:
                    return false;
            }
        });
        return new PlayerInfo(userId, name, account);
    }

    /// <summary>The value of a message whose one field, number 1, is an integer (0 when absent).</summary>
    public static long ReadSingleInt64(byte[] bytes)
    {
        long value = 0;
        Read(bytes, (number, input) =>
        {
            if (number != 1)
            {
                return false;
            }

            value = input.ReadInt64();
            return true;
        });
        return value;
    }

    public static T Required<T>(T? value, string message, string field)
        where T : class =>
        value ?? throw new SerializationException($"{message} without {field}");

    public static T Required<T>(T? value, string message, string field)
        where T : struct =>
        value ?? throw new SerializationException($"{message} without {field}");
}
