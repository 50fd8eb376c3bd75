using System.Buffers.Binary;

namespace ActorGameServer.Protocol;

/// <summary>
/// One server frame, encoded once as its JSON text and then handed to any number of
/// connections, whatever their transport: TCP writes it behind a 4-byte length prefix
/// (<see cref="CopyLengthPrefixedTo"/>), WebSocket sends <see cref="Json"/> as one text message.
/// Immutable once built, so a room can give the same instance to every member.
/// </summary>
public sealed class EncodedFrame
{
    private readonly byte[] _json;

    /// <param name="json">Exactly one JSON envelope, UTF-8; the frame takes ownership of the array.</param>
    public EncodedFrame(byte[] json) => _json = json;

    /// <summary>The envelope's UTF-8 JSON text, without any framing.</summary>
    public ReadOnlyMemory<byte> Json => _json;

    /// <summary>Bytes of JSON text (the payload length).</summary>
    public int Length => _json.Length;

    /// <summary>Bytes this frame takes on a length-prefixed stream.</summary>
    public int LengthPrefixedSize => FrameReader.HeaderSize + _json.Length;

    /// <summary>Writes the length prefix and the JSON into <paramref name="destination"/>; returns the bytes written.</summary>
    public int CopyLengthPrefixedTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(destination, (uint)_json.Length);
        _json.CopyTo(destination[FrameReader.HeaderSize..]);
        return LengthPrefixedSize;
    }

    /// <summary>The frame as a length-prefixed stream carries it (a new array; for tests and single writes).</summary>
    public byte[] ToLengthPrefixed()
    {
        var bytes = new byte[LengthPrefixedSize];
        CopyLengthPrefixedTo(bytes);
        return bytes;
    }

    public override string ToString() => System.Text.Encoding.UTF8.GetString(_json);
}
