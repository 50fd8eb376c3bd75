using System.Net;
using System.Text;
using ActorGameServer.Protocol;
using ActorGameServer.Server.Diagnostics;
using ActorGameServer.Server.Rooms;
using ActorGameServer.Server.Routing;
using ActorGameServer.Server.Sessions;
using ActorGameServer.Server.Tests.Actors;
using ActorGameServer.Server.Tests.Rooms;
using Akka.Actor;
using Akka.Event;
using Newtonsoft.Json.Linq;
using Xunit.Abstractions;

namespace ActorGameServer.Server.Tests.Sessions;

/// <summary>
/// The player session with no socket and no transport: frames go in as the transport would
/// decode them, and what the session sends or closes is recorded. TCP and WebSocket players run
/// exactly this code. (Probes stand in for the room directory and rooms, which are actors.)
/// </summary>
public sealed class PlayerSessionTests(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit(output: output)
{
    [Fact]
    public void The_first_frame_is_welcome_with_the_user_id_and_max_payload()
    {
        var (session, host) = Start();

        session.Start();

        var welcome = host.Next("WELCOME");
        Assert.Equal(7, (long)welcome["message"]!["user_id"]!);
        Assert.Equal(5000, (int)welcome["message"]!["max_payload"]!);
    }

    [Fact]
    public void A_ping_is_answered_with_its_message_byte_for_byte_and_its_id()
    {
        var (session, host) = Start();

        session.OnFrame(Frame("""{"cmd":"PING","message":{"n":9007199254740993,"f":1.50},"id":[1,"a"]}"""));

        Assert.Equal("""{"cmd":"PONG","message":{"n":9007199254740993,"f":1.50},"id":[1,"a"]}""", host.Sent.Single().ToString());
        Assert.Null(host.Closed);
    }

    [Fact]
    public void An_unknown_command_is_answered_unknown_cmd_and_the_session_stays_open()
    {
        var (session, host) = Start();

        session.OnFrame(Frame("""{"cmd":"FLY","id":3}"""));
        session.OnFrame(Frame("""{"cmd":"PING","message":1}"""));

        var error = host.Next("ERROR");
        Assert.Equal("unknown_cmd", (string?)error["message"]!["code"]);
        Assert.Equal(3, (int)error["id"]!);
        host.Next("PONG");
        Assert.Null(host.Closed);
    }

    [Fact]
    public void A_bad_frame_closes_the_session_with_its_error_and_nothing_after_it_is_dispatched()
    {
        var (session, host) = Start();

        session.OnFrame(new Decoded(null, new ProtocolError(ErrorCode.BadJson, "not JSON")));
        session.OnFrame(Frame("""{"cmd":"PING","message":1}"""));

        Assert.Equal((CloseReason.ProtocolError, ErrorCode.BadJson), (host.Closed?.Reason, host.Closed?.Error.Code));
        Assert.Empty(host.Sent);
        Assert.True(session.IsClosing);
    }

    [Fact]
    public void Hello_renames_the_player_until_it_joins_a_room()
    {
        var directory = CreateTestProbe();
        var (session, host) = Start(directory: directory.Ref);

        session.OnFrame(Frame("""{"cmd":"HELLO","message":{"name":"  Ada "},"id":1}"""));
        Assert.Equal("Ada", (string?)host.Next("HELLO_OK")["message"]!["name"]);

        session.OnFrame(Frame("""{"cmd":"JOIN","message":{"room":"lobby"}}"""));
        var join = directory.ExpectMsg<RoomDirectory.Join>();
        Assert.Equal(new PlayerInfo(7, "Ada"), join.Player);
        session.OnJoined("lobby", CreateTestProbe().Ref, ServerFrames.Joined("lobby", [join.Player], null));
        host.Next("JOINED");

        session.OnFrame(Frame("""{"cmd":"HELLO","message":{"name":"Eve"},"id":2}"""));
        Assert.Equal("bad_request", (string?)host.Next("ERROR")["message"]!["code"]);
        Assert.Equal("Ada", session.Player.Name);
    }

    [Fact]
    public void Requests_about_a_room_wait_for_its_join_then_reach_the_room_in_the_order_sent()
    {
        var directory = CreateTestProbe();
        var room = CreateTestProbe();
        var (session, host) = Start(directory: directory.Ref);

        session.OnFrame(Frame("""{"cmd":"JOIN","message":{"room":"lobby"}}"""));
        session.OnFrame(Frame("""{"cmd":"RELAY","message":{"room":"lobby","data":1}}"""));
        session.OnFrame(Frame("""{"cmd":"RELAY","message":{"room":"lobby","data":2}}"""));
        directory.ExpectMsg<RoomDirectory.Join>();
        Assert.Empty(host.Sent); // Nothing answered or refused while the JOIN is on its way.

        session.OnJoined("lobby", room.Ref, ServerFrames.Joined("lobby", [session.Player], null));

        Assert.Equal("1", room.ExpectMsg<RoomActor.Relay>().Data.ToString());
        Assert.Equal("2", room.ExpectMsg<RoomActor.Relay>().Data.ToString());
        host.Next("JOINED");
    }

    [Fact]
    public void Frames_over_the_burst_are_dropped_and_only_the_first_is_answered_rate_limited_with_its_id()
    {
        var (session, host) = Start("game-server.rate-limit { messages-per-second = 1, burst = 3, error-interval = 1h }");

        for (var i = 1; i <= 6; i++)
        {
            session.OnFrame(Frame($$"""{"cmd":"PING","message":{{i}},"id":{{i}}}"""));
        }

        Assert.Equal(["PONG 1", "PONG 2", "PONG 3", "ERROR 4"], host.Sent.Select(f => $"{Parse(f)["cmd"]} {Parse(f)["id"]}"));
        var error = Parse(host.Sent[3])["message"]!;
        Assert.Equal("rate_limited", (string?)error["code"]);
        Assert.EndsWith("the frame was dropped", (string?)error["detail"]);
        Assert.Null(host.Closed);
    }

    [Fact]
    public void The_disconnect_error_says_how_many_frames_were_dropped_without_an_answer()
    {
        // Recovering would take 5 s (half the burst at one frame a second), far longer than the
        // test's one-sided wait for disconnect-after.
        var (session, host) = Start("game-server.rate-limit { messages-per-second = 1, burst = 10, error-interval = 1h, disconnect-after = 1s }");
        for (var i = 1; i <= 15; i++)
        {
            session.OnFrame(Frame($$"""{"cmd":"PING","message":{{i}},"id":{{i}}}"""));
        }

        Thread.Sleep(1500); // Longer than disconnect-after; only ever too long, never too short.
        // The token or two back by now lets as many frames through; the next drop disconnects.
        for (var i = 16; i < 30 && !session.IsClosing; i++)
        {
            session.OnFrame(Frame($$"""{"cmd":"PING","message":{{i}},"id":{{i}}}"""));
        }

        Assert.Equal([.. Enumerable.Repeat("PONG", 10), "ERROR"], host.Sent.Take(11).Select(f => (string?)Parse(f)["cmd"]));
        Assert.All(host.Sent.Skip(11), f => Assert.Equal("PONG", (string?)Parse(f)["cmd"]));
        Assert.Equal(CloseReason.RateLimited, host.Closed?.Reason);
        Assert.Equal(ErrorCode.RateLimited, host.Closed?.Error.Code);
        Assert.Contains("disconnecting (4 more dropped without an answer since the last rate_limited)", host.Closed?.Error.Detail);
        Assert.True(session.IsClosing);
    }

    [Fact]
    public void A_dropped_frame_pauses_reading_until_the_limiter_could_take_it_but_never_for_half_the_idle_timeout_or_more()
    {
        var (session, host) = Start("game-server.rate-limit { messages-per-second = 1, burst = 1 }");
        session.OnFrame(Frame("""{"cmd":"PING","message":1}"""));
        Assert.Empty(host.Pauses);

        session.OnFrame(Frame("""{"cmd":"PING","message":2}"""));
        session.OnFrame(Frame("""{"cmd":"PING","message":3}"""));

        // A pause for each drop (the client actor keeps the first while it lasts): until the one
        // frame a second is back.
        Assert.Equal(2, host.Pauses.Count);
        Assert.All(host.Pauses, pause => Assert.InRange(pause, TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1)));

        // One byte a second would pause reading for minutes; the idle timeout of 400 ms must not
        // find the player idle meanwhile.
        var (slow, slowHost) = Start("game-server { idle-timeout = 400ms, rate-limit { bytes-per-second = 1, byte-burst = 5004 } }");
        slow.OnFrame(Frame($$"""{"cmd":"PING","message":"{{new string('x', 4900)}}"}"""));
        slow.OnFrame(Frame($$"""{"cmd":"PING","message":"{{new string('x', 4900)}}"}"""));
        Assert.Equal([TimeSpan.FromMilliseconds(200)], slowHost.Pauses);
    }

    [Fact]
    public void An_idle_session_is_closed_idle_timeout_and_a_busy_one_is_told_when_to_check_again()
    {
        var (busy, _) = Start("game-server.idle-timeout = 1h");
        Assert.InRange(busy.CheckIdle()!.Value, TimeSpan.FromMinutes(59), TimeSpan.FromHours(1));

        var (idle, host) = Start("game-server.idle-timeout = 1ms");
        Thread.Sleep(10); // Longer than the timeout; only ever too long, never too short.

        Assert.Null(idle.CheckIdle());
        Assert.Equal((CloseReason.IdleTimeout, ErrorCode.IdleTimeout), (host.Closed?.Reason, host.Closed?.Error.Code));
    }

    private (PlayerSession Session, RecordingHost Host) Start(string settings = "", IActorRef? directory = null)
    {
        var host = new RecordingHost();
        var session = new PlayerSession(7, ActorTestSettings.Create(settings), CommandRoutes.Default, directory ?? ActorRefs.Nobody, host, NoLogger.Instance);
        return (session, host);
    }

    private static Decoded Frame(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var parsed = EnvelopeParser.Parse(bytes, 32);
        return new Decoded(parsed.Envelope, parsed.Error) { FrameBytes = bytes.Length + 4 };
    }

    private static JObject Parse(EncodedFrame frame) => RoomFrames.Decode(frame);

    /// <summary>Stands in for the client actor: records what the session sends and whether it closed.</summary>
    private sealed class RecordingHost : ISessionHost
    {
        public List<EncodedFrame> Sent { get; } = [];

        public (CloseReason Reason, ProtocolError Error)? Closed { get; private set; }

        public List<TimeSpan> Pauses { get; } = [];

        public IActorRef Self => ActorRefs.Nobody;

        public IActorRef Registry => ActorRefs.Nobody;

        public ClientIdentity Who => new(7, new IPEndPoint(IPAddress.Loopback, 5000), "test");

        public void Send(EncodedFrame frame) => Sent.Add(frame);

        public void PauseReading(TimeSpan duration) => Pauses.Add(duration);

        public void Close(CloseReason reason, ProtocolError error) => Closed = (reason, error);

        public string? ResumeRequested { get; private set; }

        public bool SaidBye { get; private set; }

        public void RequestResume(string token, RawJson? id) => ResumeRequested = token;

        public void Bye() => SaidBye = true;

        /// <summary>The oldest frame not yet looked at, which must have <paramref name="cmd"/>.</summary>
        public JObject Next(string cmd)
        {
            var frame = Parse(Sent[0]);
            Sent.RemoveAt(0);
            Assert.Equal(cmd, (string?)frame["cmd"]);
            return frame;
        }
    }
}
