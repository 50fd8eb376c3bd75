using System.Buffers;
using System.Buffers.Binary;

namespace ActorGameServer.Protocol;

/// <summary>What <see cref="FrameReader.TryRead"/> found at the start of the buffer.</summary>
public enum FrameStatus
{
    /// <summary>Not a whole frame yet; nothing was consumed.</summary>
    Incomplete,

    /// <summary>A whole frame; its payload is returned and the buffer advanced past it.</summary>
    Complete,

    /// <summary>The header announces more than the maximum payload. Nothing of that size is buffered.</summary>
    TooLarge,

    /// <summary>The header announces 0 bytes, which the protocol forbids.</summary>
    Empty,
}

/// <summary>
/// Splits a byte stream into frames: a 4-byte unsigned little-endian length N, then N bytes of
/// payload. This is exactly what Godot's <c>StreamPeerTCP.put_utf8_string</c> writes.
/// Works on <see cref="ReadOnlySequence{T}"/> in the style of Kestrel's parsers, so the caller
/// decides where the bytes live.
/// </summary>
public static class FrameReader
{
    public const int HeaderSize = 4;

    /// <param name="buffer">Received bytes; advanced past the frame when one is complete.</param>
    /// <param name="maxPayload">The largest payload accepted, in bytes.</param>
    /// <param name="payload">The frame's payload when the result is <see cref="FrameStatus.Complete"/>.</param>
    /// <param name="declaredLength">The length the header announced, once 4 bytes are there.</param>
    public static FrameStatus TryRead(
        ref ReadOnlySequence<byte> buffer,
        int maxPayload,
        out ReadOnlySequence<byte> payload,
        out uint declaredLength)
    {
        payload = default;
        declaredLength = 0;
        if (buffer.Length < HeaderSize)
        {
            return FrameStatus.Incomplete;
        }

        declaredLength = ReadLength(buffer);
        // Decided from the header alone: a hostile length never makes us wait for, or hold, its bytes.
        if (declaredLength > (uint)maxPayload)
        {
            return FrameStatus.TooLarge;
        }

        if (declaredLength == 0)
        {
            return FrameStatus.Empty;
        }

        if (buffer.Length - HeaderSize < declaredLength)
        {
            return FrameStatus.Incomplete;
        }

        payload = buffer.Slice(HeaderSize, declaredLength);
        buffer = buffer.Slice(payload.End);
        return FrameStatus.Complete;
    }

    private static uint ReadLength(in ReadOnlySequence<byte> buffer)
    {
        var first = buffer.FirstSpan;
        if (first.Length >= HeaderSize)
        {
            return BinaryPrimitives.ReadUInt32LittleEndian(first);
        }

        // The header straddles segments (a 1-byte write, say): copy just its 4 bytes.
        Span<byte> header = stackalloc byte[HeaderSize];
        buffer.Slice(0, HeaderSize).CopyTo(header);
        return BinaryPrimitives.ReadUInt32LittleEndian(header);
    }
}
