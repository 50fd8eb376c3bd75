using ActorGameServer.Protocol;
using BenchmarkDotNet.Attributes;

namespace ActorGameServer.Micro;

/// <summary>
/// Framing in both directions. Decoding goes through <see cref="FrameDecoder"/> (InboundBuffer,
/// FrameReader and EnvelopeParser together), as ClientActor uses it; results are per frame.
/// </summary>
[MemoryDiagnoser]
public class FrameBenchmarks
{
    private const int FramesPerChunk = 10;

    private static readonly byte[] PingFrame = Payloads.Framed(Payloads.Ping);
    private static readonly byte[] TenPingFrames = Enumerable.Repeat(PingFrame, FramesPerChunk).SelectMany(f => f).ToArray();
    private static readonly Envelope Ping = EnvelopeParser.Parse(Payloads.Ping, Payloads.MaxDepth).Envelope!;
    private static readonly Envelope PingWithId = EnvelopeParser.Parse(Payloads.PingWithId, Payloads.MaxDepth).Envelope!;

    private readonly FrameDecoder _decoder = new(Payloads.MaxPayload, Payloads.MaxDepth);

    [GlobalCleanup]
    public void Cleanup() => _decoder.Dispose();

    /// <summary>The usual case: each socket read holds exactly one whole PING frame.</summary>
    [Benchmark]
    public Envelope? DecodeOneFramePerFeed()
    {
        _decoder.Feed(PingFrame);
        var decoded = _decoder.TryDecode();
        _decoder.TryDecode(); // Need more data: the buffer is empty again, and returned to the pool.
        return decoded.Envelope;
    }

    /// <summary>A client that pipelines: ten PING frames arrive in one read.</summary>
    [Benchmark(OperationsPerInvoke = FramesPerChunk)]
    public Envelope? DecodeTenFramesPerFeed()
    {
        _decoder.Feed(TenPingFrames);
        Envelope? last = null;
        while (_decoder.TryDecode() is { IsNeedMoreData: false } decoded)
        {
            last = decoded.Envelope;
        }

        return last;
    }

    /// <summary>FrameWriter with a verbatim message: the general path every reply takes.</summary>
    [Benchmark]
    public EncodedFrame EncodeFrameWriterBuild() => FrameWriter.Build(Commands.Pong, Ping.Message);

    /// <summary>The PONG for a PING, as PlayerCommands.Ping builds it.</summary>
    [Benchmark]
    public EncodedFrame EncodePong() => ServerFrames.Pong(Ping);

    [Benchmark]
    public EncodedFrame EncodePongWithId() => ServerFrames.Pong(PingWithId);
}
