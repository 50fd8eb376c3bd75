using ActorGameServer.Protocol;
using Akka.IO;
using BenchmarkDotNet.Attributes;

namespace ActorGameServer.Micro;

/// <summary>
/// The steps of the PING path inside ClientActor one at a time, single-threaded, so the round
/// trip's allocations in <see cref="ClientActorPingBenchmarks"/> can be attributed exactly.
/// Decoding and encoding themselves are in <see cref="FrameBenchmarks"/>.
/// </summary>
[MemoryDiagnoser]
public class PingPathBreakdownBenchmarks
{
    private static readonly Envelope Ping = EnvelopeParser.Parse(Payloads.Ping, Payloads.MaxDepth).Envelope!;
    private static readonly EncodedFrame Pong = ServerFrames.Pong(Ping);
    private static readonly byte[] PongFrame = ServerFrames.Pong(Ping).ToLengthPrefixed();
    private static readonly ByteString PongBytes = ByteString.FromBytes(PongFrame);
    private static readonly Tcp.Event Ack = new AckEvent();

    /// <summary>TcpConnection.Write with one frame queued: the frame wrapped, not copied.</summary>
    [Benchmark]
    public ByteString ByteStringFromBytes() => ByteString.FromBytes(PongFrame);

    /// <summary>ClientActor.Flush: the acknowledged write handed to the connection actor.</summary>
    [Benchmark]
    public Tcp.Write TcpWriteCreate() => Tcp.Write.Create(PongBytes, Ack);

    /// <summary>TcpConnection.Write with several frames queued: each one's bytes copied into the write's buffer (here one).</summary>
    [Benchmark]
    public byte[] LengthPrefixedCopy() => Pong.ToLengthPrefixed();

    private sealed class AckEvent : Tcp.Event;
}
