using System.Diagnostics;
using System.Net;
using ActorGameServer.Protocol;
using ActorGameServer.Server.Actors;
using ActorGameServer.Server.Configuration;
using ActorGameServer.Server.Routing;
using ActorGameServer.Server.Sessions;
using ActorGameServer.Server.Tests.Support;
using ActorGameServer.Server.Transports.Tcp;
using Akka.Actor;
using Akka.IO;
using Akka.TestKit;
using Newtonsoft.Json.Linq;
using Xunit.Abstractions;

namespace ActorGameServer.Server.Tests.Actors;

/// <summary>A <see cref="ClientActor"/> with a probe standing in for Akka.IO's connection actor.</summary>
public sealed class ClientActorTests(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit(SerializeMessages.Config, output: output)
{
    private const long UserId = 7;
    private static readonly EndPoint Remote = new IPEndPoint(IPAddress.Loopback, 50000);

    [Fact]
    public void Registers_with_the_connection_then_writes_welcome()
    {
        var (connection, client, _) = Start();

        var write = connection.ExpectMsg<Tcp.Write>();
        var welcome = Assert.Single(WrittenFrames.Of(write));
        Assert.Equal("WELCOME", (string?)welcome["cmd"]);
        Assert.Equal(UserId, (long)welcome["message"]!["user_id"]!);
        Assert.Equal(5000, (int)welcome["message"]!["max_payload"]!);

        // The registered handler is the client itself: a PING it receives comes back as a PONG.
        client.Tell(write.Ack, connection);
        client.Tell(WrittenFrames.Received("""{"cmd":"PING","message":1}"""), connection);
        Assert.Equal("PONG", (string?)WrittenFrames.Of(connection.ExpectMsg<Tcp.Write>())[0]["cmd"]);
    }

    [Fact]
    public void Keeps_one_write_in_flight_and_sends_everything_queued_meanwhile_in_the_next_one()
    {
        var (connection, client, _) = Start();
        var welcome = connection.ExpectMsg<Tcp.Write>();

        client.Tell(WrittenFrames.Received("""{"cmd":"PING","message":1}"""), connection);
        client.Tell(WrittenFrames.Received("""{"cmd":"PING","message":2}"""), connection);
        client.Tell(new ClientActor.Send(ServerFrames.Shutdown("sentinel", 1))); // Queued after both PONGs.

        client.Tell(welcome.Ack, connection);

        // Had either PONG been written before the welcome was acknowledged, that write would come
        // first; the next write is everything, sentinel included, in one batch.
        var batch = WrittenFrames.Of(connection.ExpectMsg<Tcp.Write>());
        Assert.Equal(["PONG 1", "PONG 2", "SHUTDOWN "], batch.Select(frame => $"{frame["cmd"]} {(frame["message"] as JValue)?.Value}"));
    }

    [Fact]
    public void A_rooms_relayed_frames_go_out_in_one_write_without_the_players_own()
    {
        var (connection, client, _) = Start();
        client.Tell(connection.ExpectMsg<Tcp.Write>().Ack, connection); // WELCOME

        client.Tell(new ClientActor.Relayed(
            [Relayed(from: 3, "a"), Relayed(from: UserId, "mine"), Relayed(from: 4, "b")], SentAt: 0));

        var write = WrittenFrames.Of(connection.ExpectMsg<Tcp.Write>());
        Assert.Equal(["a", "b"], write.Select(frame => (string?)frame["message"]!["data"]));
    }

    [Fact]
    public void A_hostile_frame_is_answered_with_an_error_then_a_flushed_half_close()
    {
        var (connection, client, parent) = Start();
        client.Tell(connection.ExpectMsg<Tcp.Write>().Ack, connection);

        client.Tell(WrittenFrames.Received("""{"no":"cmd"}"""), connection);
        client.Tell(WrittenFrames.Received("""{"cmd":"PING","message":1}"""), connection); // Ignored: stream no longer trusted.

        var errorWrite = connection.ExpectMsg<Tcp.Write>();
        var error = Assert.Single(WrittenFrames.Of(errorWrite));
        Assert.Equal("bad_envelope", (string?)error["message"]!["code"]);

        // That no close goes out before the error reached the socket is shown by the next test,
        // where the write is never acknowledged and the next thing the connection hears is the reset.
        client.Tell(errorWrite.Ack, connection);
        connection.ExpectMsg<Tcp.ConfirmedClose>();

        Watch(client);
        client.Tell(Tcp.ConfirmedClosed.Instance, connection);
        Assert.Equal(CloseReason.ProtocolError, parent.ExpectMsg<ClientActor.Disconnected>().Reason);
        ExpectTerminated(client);
    }

    [Fact]
    public void A_client_that_never_lets_the_error_flush_is_reset_after_the_close_timeout()
    {
        var (connection, client, _) = Start("game-server.close-timeout = 300ms");
        client.Tell(connection.ExpectMsg<Tcp.Write>().Ack, connection);

        client.Tell(WrittenFrames.Received("[]"), connection);
        connection.ExpectMsg<Tcp.Write>(); // Never acknowledged: the client does not read.

        // The very next message is the reset: no graceful close went out while the error was unflushed.
        connection.ExpectMsg<Tcp.Abort>(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void A_client_that_does_not_read_is_disconnected_once_its_outbound_bytes_pass_the_bound()
    {
        var (connection, client, parent) = Start("game-server { max-payload = 500, max-outbound-bytes = 2k }");
        connection.ExpectMsg<Tcp.Write>(); // The welcome, never acknowledged.

        for (var i = 0; i < 10; i++)
        {
            client.Tell(new ClientActor.Send(new EncodedFrame(new byte[400])));
        }

        connection.FishForMessage(message => message is Tcp.Abort);
        client.Tell(Tcp.Aborted.Instance, connection);
        Assert.Equal(CloseReason.NotReading, parent.ExpectMsg<ClientActor.Disconnected>().Reason);
    }

    [Fact]
    public async Task A_connection_that_completes_no_frame_within_the_idle_timeout_is_told_and_closed()
    {
        var (connection, client, parent) = Start("game-server.idle-timeout = 300ms");
        client.Tell(connection.ExpectMsg<Tcp.Write>().Ack, connection);
        client.Tell(new Tcp.Received(ByteString.FromBytes([10, 0])), connection); // Half a header is not a frame.

        // The registry asks every client a few times per timeout; this is an ask after it passed
        // (well after: a timer may fire a little early by the clock the session measures with).
        await Task.Delay(TimeSpan.FromMilliseconds(600));
        client.Tell(ClientActor.CheckIdle.Instance);

        var write = connection.ExpectMsg<Tcp.Write>();
        Assert.Equal("idle_timeout", (string?)WrittenFrames.Of(write)[0]["message"]!["code"]);
        client.Tell(write.Ack, connection);
        connection.ExpectMsg<Tcp.ConfirmedClose>();
        client.Tell(Tcp.ConfirmedClosed.Instance, connection);
        Assert.Equal(CloseReason.IdleTimeout, parent.ExpectMsg<ClientActor.Disconnected>().Reason);
    }

    [Fact]
    public void Over_the_rate_limit_it_answers_the_first_dropped_frame_and_asks_for_no_read_until_a_frame_would_be_allowed()
    {
        var (connection, client, _) = Start("game-server.rate-limit { messages-per-second = 1, burst = 5, error-interval = 1h }", hearsReadRequests: true);
        connection.ExpectMsg<Tcp.ResumeReading>(); // Pull mode: the first read.
        client.Tell(connection.ExpectMsg<Tcp.Write>().Ack, connection);
        var sinceSent = Stopwatch.StartNew();

        // Taking a read asks for the next one; frame 0's PONG goes out at once; frame 5, the
        // first over the burst, suspends reading.
        client.Tell(new Tcp.Received(ByteString.FromBytes(Pings(0, 10))), connection);
        connection.ExpectMsg<Tcp.ResumeReading>();
        var first = connection.ExpectMsg<Tcp.Write>();

        // The read asked for before the suspension arrives; nothing more is asked for, and its
        // frame is dropped without an answer like frames 6 to 9.
        client.Tell(new Tcp.Received(ByteString.FromBytes(Pings(10, 1))), connection);
        client.Tell(first.Ack, connection);

        // Then the rest of the replies, and a second later (one frame a second) the next read;
        // which of the two comes first depends on how fast this test runs.
        var next = connection.ReceiveN(2, TimeSpan.FromSeconds(10));
        Assert.Single(next.OfType<Tcp.ResumeReading>());
        Assert.InRange(sinceSent.Elapsed, TimeSpan.FromMilliseconds(900), TimeSpan.MaxValue);
        var batch = next.OfType<Tcp.Write>().Single();
        var replies = WrittenFrames.Of(batch);
        Assert.Equal(["PONG 1", "PONG 2", "PONG 3", "PONG 4", "ERROR 5"], replies.Select(r => $"{r["cmd"]} {r["id"]}"));
        Assert.Equal("rate_limited", (string?)replies[4]["message"]!["code"]);

        // Reading again, the next frame fits: a token came back while reading was suspended.
        client.Tell(batch.Ack, connection);
        client.Tell(new Tcp.Received(ByteString.FromBytes(Pings(11, 1))), connection);
        connection.ExpectMsg<Tcp.ResumeReading>();
        Assert.Equal("PONG 11", WrittenFrames.Of(connection.ExpectMsg<Tcp.Write>()).Select(r => $"{r["cmd"]} {r["id"]}").Single());
    }

    [Fact]
    public void A_close_while_reading_is_suspended_reads_again_so_the_clients_close_is_seen()
    {
        var (connection, client, _) = Start("game-server.rate-limit { messages-per-second = 1, burst = 1, error-interval = 1h }", hearsReadRequests: true);
        connection.ExpectMsg<Tcp.ResumeReading>();
        client.Tell(connection.ExpectMsg<Tcp.Write>().Ack, connection);
        client.Tell(new Tcp.Received(ByteString.FromBytes(Pings(0, 2))), connection);
        connection.ExpectMsg<Tcp.ResumeReading>();
        var pong = connection.ExpectMsg<Tcp.Write>(); // Frame 1 was dropped: reading is suspended.

        client.Tell(new ClientActor.Shutdown("maintenance", TimeSpan.FromSeconds(1)));

        // Reading resumes before anything else, and goes on while closing: what the client still
        // sends is read (and thrown away) until its FIN, which Akka.IO only sees while it reads.
        connection.ExpectMsg<Tcp.ResumeReading>();
        client.Tell(pong.Ack, connection);
        var last = connection.ExpectMsg<Tcp.Write>();
        Assert.Equal(["ERROR", "SHUTDOWN"], WrittenFrames.Of(last).Select(r => (string?)r["cmd"]));
        client.Tell(last.Ack, connection);
        connection.ExpectMsg<Tcp.ConfirmedClose>();
        client.Tell(new Tcp.Received(ByteString.FromBytes(Pings(2, 1))), connection);
        connection.ExpectMsg<Tcp.ResumeReading>();
    }

    [Fact]
    public void Stops_and_reports_when_the_player_closes_the_connection()
    {
        var (connection, client, parent) = Start();
        Watch(client);

        client.Tell(Tcp.PeerClosed.Instance, connection);

        Assert.Equal(CloseReason.ClientClosed, parent.ExpectMsg<ClientActor.Disconnected>().Reason);
        ExpectTerminated(client);
    }

    [Fact]
    public void Shutdown_tells_the_player_why_and_when_to_come_back_then_closes()
    {
        var (connection, client, _) = Start();
        client.Tell(connection.ExpectMsg<Tcp.Write>().Ack, connection);

        client.Tell(new ClientActor.Shutdown("maintenance", TimeSpan.FromSeconds(30)));

        var write = connection.ExpectMsg<Tcp.Write>();
        var shutdown = Assert.Single(WrittenFrames.Of(write));
        Assert.Equal("SHUTDOWN", (string?)shutdown["cmd"]);
        Assert.Equal("maintenance", (string?)shutdown["message"]!["reason"]);
        Assert.Equal(30000, (int)shutdown["message"]!["reconnect_after_ms"]!);
        client.Tell(write.Ack, connection);
        connection.ExpectMsg<Tcp.ConfirmedClose>();
    }

    [Fact]
    public async Task Stops_when_Akka_IO_stops_its_connection_actor()
    {
        // What lets the client do without watching its connection actor: once registered, Akka.IO
        // tells its handler however the connection actor stops.
        var listener = CreateTestProbe();
        Sys.Tcp().Tell(new Tcp.Bind(listener.Ref, new IPEndPoint(IPAddress.Loopback, 0)), listener.Ref);
        var bound = listener.ExpectMsg<Tcp.Bound>();
        using var socket = new System.Net.Sockets.TcpClient();
        await socket.ConnectAsync((IPEndPoint)bound.LocalAddress);
        var connected = listener.ExpectMsg<Tcp.Connected>();
        var connection = listener.LastSender;
        var parent = CreateTestProbe();
        var (_, client) = ParentProxies.Start(Sys, ClientProps(connection, ActorTestSettings.Create()), parent.Ref);
        Watch(client);
        await socket.GetStream().ReadExactlyAsync(new byte[FrameReader.HeaderSize]); // The WELCOME: Akka.IO took the Register.

        Sys.Stop(connection);

        Assert.Equal(CloseReason.ConnectionLost, parent.ExpectMsg<ClientActor.Disconnected>().Reason);
        ExpectTerminated(client);
    }

    [Fact]
    public async Task Stops_when_the_connection_actor_dies_without_a_word_once_its_reset_goes_unconfirmed()
    {
        // Akka.IO's connection actor tells nobody if it stops before the Register reaches it (its
        // register-timeout): the client notices no frame coming, resets, and hears nothing back.
        var connection = Sys.ActorOf(Props.Create(() => new BlackHole()));
        var parent = CreateTestProbe();
        var settings = ActorTestSettings.Create("game-server { idle-timeout = 300ms, close-timeout = 300ms }");
        var (_, client) = ParentProxies.Start(Sys, ClientProps(connection, settings), parent.Ref);
        Watch(client);
        Sys.Stop(connection);

        await Task.Delay(TimeSpan.FromMilliseconds(600));
        client.Tell(ClientActor.CheckIdle.Instance); // As the registry asks once the idle timeout passed.

        var disconnected = parent.ExpectMsg<ClientActor.Disconnected>(TimeSpan.FromSeconds(10));
        Assert.Equal((CloseReason.IdleTimeout, "the transport never confirmed the reset"), (disconnected.Reason, disconnected.Detail));
        ExpectTerminated(client);
    }

    /// <param name="hearsReadRequests">Whether the connection probe shows Tcp.ResumeReading, the request for each read.</param>
    private (TestProbe Connection, IActorRef Client, TestProbe Parent) Start(string overrides = "", bool hearsReadRequests = false)
    {
        var connection = hearsReadRequests ? CreateTestProbe() : this.CreateConnectionProbe();
        var parent = CreateTestProbe();
        var props = ClientProps(connection.Ref, ActorTestSettings.Create(overrides));
        var proxy = Sys.ActorOf(Props.Create(() => new ParentProxy(props, parent.Ref)));
        var register = connection.ExpectMsg<Tcp.Register>();
        return (connection, register.Handler, parent);
    }

    private static ClientActor.RelayedFrame Relayed(long from, string data) =>
        new(from, ServerFrames.Relay("lobby", from, new RawJson(System.Text.Encoding.UTF8.GetBytes($"\"{data}\""))), HeldAt: 0);

    /// <summary>PINGs with ids <paramref name="first"/> onwards, length-prefixed back to back, as one read would bring them.</summary>
    private static byte[] Pings(int first, int count) => Enumerable.Range(first, count)
        .SelectMany(i => WireClient.Frame(System.Text.Encoding.UTF8.GetBytes($$"""{"cmd":"PING","message":{{i}},"id":{{i}}}""")))
        .ToArray();

    private static Props ClientProps(IActorRef connection, GameServerSettings settings) =>
        ClientActor.Props(UserId, new TcpConnection(connection, Remote, settings.MaxPayload, settings.MaxJsonDepth), settings, CommandRoutes.Default, ActorRefs.Nobody);

    private sealed class BlackHole : ReceiveActor
    {
        public BlackHole() => ReceiveAny(_ => { });
    }
}
