using System.Buffers.Binary;

namespace ActorGameServer.Protocol;

/// <summary>
/// One server frame, encoded once as its JSON text and then handed to any number of
/// connections, whatever their transport: WebSocket sends <see cref="Json"/> as one text message,
/// TCP sends it behind its 4-byte length prefix. The encoder leaves that prefix in front of the
/// JSON (as network stacks leave headroom for a header), so a lone frame goes out on TCP without a
/// copy and the same bytes serve every member of a room. Immutable once built.
/// </summary>
public sealed class EncodedFrame
{
    // [u32 little-endian length][JSON]
    private readonly byte[] _buffer;

    /// <param name="json">Exactly one JSON envelope, UTF-8; copied.</param>
    public EncodedFrame(ReadOnlySpan<byte> json)
    {
        _buffer = new byte[FrameReader.HeaderSize + json.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer, (uint)json.Length);
        json.CopyTo(_buffer.AsSpan(FrameReader.HeaderSize));
    }

    /// <summary>The envelope's UTF-8 JSON text, without any framing.</summary>
    public ReadOnlyMemory<byte> Json => _buffer.AsMemory(FrameReader.HeaderSize);

    /// <summary>Bytes of JSON text (the payload length).</summary>
    public int Length => _buffer.Length - FrameReader.HeaderSize;

    /// <summary>The frame as a length-prefixed stream carries it: the 4-byte length, then the JSON.</summary>
    public ReadOnlyMemory<byte> LengthPrefixed => _buffer;

    /// <summary>Writes the length-prefixed frame into <paramref name="destination"/>; returns the bytes written.</summary>
    public int CopyLengthPrefixedTo(Span<byte> destination)
    {
        _buffer.CopyTo(destination);
        return _buffer.Length;
    }

    /// <summary>The length-prefixed frame in a new array (for tests and tools).</summary>
    public byte[] ToLengthPrefixed() => (byte[])_buffer.Clone();

    public override string ToString() => System.Text.Encoding.UTF8.GetString(Json.Span);
}
