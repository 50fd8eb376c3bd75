using System.Net;
using ActorGameServer.Protocol;
using ActorGameServer.Server.Actors;
using ActorGameServer.Server.Configuration;
using ActorGameServer.Server.Routing;
using ActorGameServer.Server.Transports.Tcp;
using Akka.Actor;
using Akka.IO;
using BenchmarkDotNet.Attributes;
using Envelope = ActorGameServer.Protocol.Envelope;

namespace ActorGameServer.Micro;

/// <summary>
/// PING to PONG, bytes in to bytes out, through one real <see cref="ClientActor"/> in a real
/// ActorSystem, without sockets: <see cref="FakeConnection"/> stands in for Akka.IO's connection
/// actor. It hands the client a <c>Tcp.Received</c> holding one PING frame; on the client's
/// <c>Tcp.Write</c> (the PONG) it acknowledges the write, as Akka.IO does once the bytes reached
/// the socket, and sends the next PING. One batch is <see cref="RoundTrips"/> such sequential
/// round trips with a single wait at the end, so results are per round trip.
/// Allocations are counted for the whole process (every thread), so the dispatcher's and the
/// mailboxes' share is in them; the <c>Tcp.Received</c> is built once and reused, so what Akka.IO
/// itself allocates per socket read is not.
/// </summary>
[MemoryDiagnoser]
public class ClientActorPingBenchmarks
{
    private const int RoundTrips = 1000;

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly Tcp.Received _ping = Received(Payloads.Ping);
    private readonly Tcp.Received _pingWithId = Received(Payloads.PingWithId);
    private int _pongLength;
    private int _pongWithIdLength;
    private ActorSystem _system = null!;
    private IActorRef _connection = null!;
    private IActorRef _echoConnection = null!;

    [GlobalSetup]
    public void Setup()
    {
        // Production defaults, except limits a benchmark would trip: it sends far more than a
        // game client's 120 frames per second, and must not be disconnected as idle between runs.
        var config = ServerConfig.LoadWith("""
            game-server {
              idle-timeout = 1h
              rate-limit { messages-per-second = 1000000, burst = 1000000, bytes-per-second = 1g, byte-burst = 1g }
            }
            akka.loglevel = WARNING
            # One ClientActor in an actor system of its own, not a server: no cluster node, which
            # would also take the cluster port a server on this machine may hold.
            akka.actor.provider = local
            """);
        var settings = GameServerSettings.From(config);
        _system = ActorSystem.Create("micro", config);

        var welcome = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        _connection = _system.ActorOf(Props.Create(() => new FakeConnection(welcome)), "connection");
        _system.ActorOf(
            ClientActor.Props(1, new TcpConnection(_connection, new IPEndPoint(IPAddress.Loopback, 50000), settings.MaxPayload, settings.MaxJsonDepth), settings, CommandRoutes.Default, ActorRefs.Nobody),
            "client-1");

        // The client registers and writes WELCOME first; the stand-in acknowledges it.
        var welcomeBytes = Wait(welcome.Task);
        Check(Frames(welcomeBytes).Single().Cmd == Commands.Welcome, "the client's first write was not a WELCOME");

        // The control: the same three messages per round trip, with an actor that answers every
        // Received with one prebuilt Write and does nothing else.
        var echoWelcome = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        _echoConnection = _system.ActorOf(Props.Create(() => new FakeConnection(echoWelcome)), "echo-connection");
        _system.ActorOf(Props.Create(() => new EchoClient(_echoConnection, ServerFrames.Pong(EnvelopeParser.Parse(Payloads.Ping, Payloads.MaxDepth).Envelope!).ToLengthPrefixed())), "echo-client");
        Wait(echoWelcome.Task);

        // One round trip each, checked byte for byte, also warms the path up.
        _pongLength = Verify(_ping, Payloads.Ping);
        _pongWithIdLength = Verify(_pingWithId, Payloads.PingWithId);
    }

    [GlobalCleanup]
    public void Cleanup() => _system.Terminate().Wait(Timeout);

    [Benchmark(Baseline = true, OperationsPerInvoke = RoundTrips)]
    public void PingPong() => Run(_ping, _pongLength, RoundTrips);

    [Benchmark(OperationsPerInvoke = RoundTrips)]
    public void PingPongWithId() => Run(_pingWithId, _pongWithIdLength, RoundTrips);

    /// <summary>Akka's own share: the same messages, the same stand-in, no ClientActor.</summary>
    [Benchmark(OperationsPerInvoke = RoundTrips)]
    public void EchoActorControl() => Run(_ping, _pongLength, RoundTrips, _echoConnection);

    private byte[] Run(Tcp.Received ping, int expectedWriteLength, int roundTrips, IActorRef? connection = null)
    {
        var done = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        (connection ?? _connection).Tell(new FakeConnection.Run(ping, roundTrips, expectedWriteLength, done));
        return Wait(done.Task);
    }

    private int Verify(Tcp.Received ping, byte[] payload)
    {
        var written = Run(ping, expectedWriteLength: -1, roundTrips: 1);
        var expected = ServerFrames.Pong(EnvelopeParser.Parse(payload, Payloads.MaxDepth).Envelope!).ToLengthPrefixed();
        Check(written.AsSpan().SequenceEqual(expected), $"the reply to {System.Text.Encoding.UTF8.GetString(payload)} was not the expected PONG");
        return expected.Length;
    }

    private static Tcp.Received Received(byte[] payload) => new(ByteString.FromBytes(Payloads.Framed(payload)));

    private static IEnumerable<Envelope> Frames(byte[] written)
    {
        using var decoder = new FrameDecoder(int.MaxValue, Payloads.MaxDepth);
        decoder.Feed(written);
        while (decoder.TryDecode() is { IsNeedMoreData: false } decoded)
        {
            yield return decoded.Envelope ?? throw new InvalidOperationException($"bad frame written: {decoded.Error}");
        }
    }

    private static T Wait<T>(Task<T> task) =>
        task.Wait(Timeout) ? task.Result : throw new TimeoutException($"no reply within {Timeout}");

    private static void Check(bool condition, string problem)
    {
        if (!condition)
        {
            throw new InvalidOperationException(problem);
        }
    }

    /// <summary>
    /// Registers like ClientActor, writes a first frame like WELCOME, then answers every
    /// Received with the same prebuilt PONG write: the least an actor in ClientActor's place can do.
    /// </summary>
    private sealed class EchoClient : UntypedActor
    {
        private readonly IActorRef _connection;
        private readonly Tcp.Write _pong;

        public EchoClient(IActorRef connection, byte[] pong)
        {
            _connection = connection;
            _pong = Tcp.Write.Create(ByteString.FromBytes(pong), EchoAck.Instance);
        }

        protected override void PreStart()
        {
            _connection.Tell(new Tcp.Register(Self));
            _connection.Tell(_pong);
        }

        protected override void OnReceive(object message)
        {
            switch (message)
            {
                case Tcp.Received:
                    _connection.Tell(_pong);
                    break;
                case EchoAck:
                    break;
                default:
                    Unhandled(message);
                    break;
            }
        }

        private sealed class EchoAck : Tcp.Event
        {
            public static readonly EchoAck Instance = new();
        }
    }

    /// <summary>
    /// Stands in for Akka.IO's connection actor: acknowledges every write and, during a run,
    /// answers each one with the next PING until the run's round trips are done.
    /// </summary>
    private sealed class FakeConnection(TaskCompletionSource<byte[]> welcome) : UntypedActor
    {
        public sealed record Run(Tcp.Received Ping, int RoundTrips, int ExpectedWriteLength, TaskCompletionSource<byte[]> Done);

        private IActorRef _client = ActorRefs.Nobody;
        private Run? _run;
        private int _remaining;
        private bool _welcomed;

        protected override void OnReceive(object message)
        {
            switch (message)
            {
                case Tcp.Register register:
                    _client = register.Handler;
                    break;
                case Tcp.Write write:
                    OnWrite(write);
                    break;
                case Run run:
                    _run = run;
                    _remaining = run.RoundTrips;
                    _client.Tell(run.Ping, Self);
                    break;
                default:
                    Unhandled(message);
                    break;
            }
        }

        private void OnWrite(Tcp.Write write)
        {
            _client.Tell(write.Ack, Self);
            if (!_welcomed)
            {
                _welcomed = true;
                welcome.SetResult(write.Data.ToArray());
                return;
            }

            if (_run is not { } run)
            {
                return;
            }

            if (run.ExpectedWriteLength >= 0 && write.Data.Count != run.ExpectedWriteLength)
            {
                _run = null;
                run.Done.SetException(new InvalidOperationException($"a write of {write.Data.Count} bytes, not one PONG of {run.ExpectedWriteLength}"));
            }
            else if (--_remaining > 0)
            {
                _client.Tell(run.Ping, Self);
            }
            else
            {
                _run = null;
                run.Done.SetResult(run.RoundTrips == 1 ? write.Data.ToArray() : []);
            }
        }
    }
}
