using ActorGameServer.Protocol;
using BenchmarkDotNet.Attributes;

namespace ActorGameServer.Micro;

/// <summary>
/// <see cref="EnvelopeParser.Parse"/> alone: UTF-8 check, one pass of Utf8JsonReader, and the
/// message (and id) copied out verbatim into their own arrays.
/// </summary>
[MemoryDiagnoser]
public class EnvelopeBenchmarks
{
    [Benchmark(Baseline = true)]
    public Envelope? Ping() => EnvelopeParser.Parse(Payloads.Ping, Payloads.MaxDepth).Envelope;

    [Benchmark]
    public Envelope? PingWithId() => EnvelopeParser.Parse(Payloads.PingWithId, Payloads.MaxDepth).Envelope;

    [Benchmark]
    public Envelope? Relay1K() => EnvelopeParser.Parse(Payloads.Relay1K, Payloads.MaxDepth).Envelope;
}
