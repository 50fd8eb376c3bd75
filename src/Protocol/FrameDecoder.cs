namespace ActorGameServer.Protocol;

/// <summary>One step of <see cref="FrameDecoder"/>: an envelope, an error, or "need more bytes".</summary>
public readonly record struct Decoded(Envelope? Envelope, ProtocolError? Error)
{
    public static readonly Decoded NeedMoreData = default;

    /// <summary>The decoded frame's size on the wire, header included (0 when no frame was decoded).</summary>
    public int FrameBytes { get; init; }

    public bool IsNeedMoreData => Envelope is null && Error is null;
}

/// <summary>
/// Turns a connection's received bytes, split however the network split them, into envelopes.
/// Feed it each received chunk, then call <see cref="TryDecode"/> until it needs more data.
/// After the first error the stream cannot be trusted any more: the decoder stops and drops
/// whatever arrives, because the connection is about to be closed.
/// </summary>
public sealed class FrameDecoder(int maxPayload, int maxDepth) : IDisposable
{
    private readonly InboundBuffer _buffer = new();

    public bool IsFaulted { get; private set; }

    /// <summary>Bytes received but not yet decoded: at most one partial frame after decoding.</summary>
    public int BufferedBytes => _buffer.Length;

    public void Feed(ReadOnlySpan<byte> received)
    {
        if (!IsFaulted)
        {
            _buffer.Append(received);
        }
    }

    public Decoded TryDecode()
    {
        if (IsFaulted)
        {
            return Decoded.NeedMoreData;
        }

        var data = _buffer.Data;
        var status = FrameReader.TryRead(ref data, maxPayload, out var payload, out var length);
        switch (status)
        {
            case FrameStatus.Incomplete:
                return Decoded.NeedMoreData;
            case FrameStatus.TooLarge:
                return Fault(new ProtocolError(
                    ErrorCode.FrameTooLarge,
                    $"frame of {length} bytes is larger than the maximum of {maxPayload} bytes"));
            case FrameStatus.Empty:
                return Fault(new ProtocolError(ErrorCode.BadJson, "empty frame: the length prefix was 0"));
        }

        // InboundBuffer is one contiguous array, so the payload is a single segment.
        var result = EnvelopeParser.Parse(payload.FirstSpan, maxDepth);
        var frameBytes = FrameReader.HeaderSize + (int)payload.Length;
        _buffer.Consume(frameBytes);
        return result.Error is null ? new Decoded(result.Envelope, null) { FrameBytes = frameBytes } : Fault(result.Error);
    }

    public void Dispose() => _buffer.Dispose();

    private Decoded Fault(ProtocolError error)
    {
        IsFaulted = true;
        _buffer.Dispose();
        return new Decoded(null, error);
    }
}
