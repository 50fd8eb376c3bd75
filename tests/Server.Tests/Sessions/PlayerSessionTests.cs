using System.Text;
using ActorGameServer.Protocol;
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

        Assert.Equal((CloseReason.ProtocolError, ErrorCode.BadJson), host.Closed);
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
    public void Frames_over_the_burst_are_answered_rate_limited_with_their_ids()
    {
        var (session, host) = Start("game-server.rate-limit { messages-per-second = 1, burst = 3 }");

        for (var i = 1; i <= 5; i++)
        {
            session.OnFrame(Frame($$"""{"cmd":"PING","message":{{i}},"id":{{i}}}"""));
        }

        Assert.Equal(["PONG", "PONG", "PONG", "ERROR", "ERROR"], host.Sent.Select(f => (string?)Parse(f)["cmd"]));
        Assert.Equal([4, 5], host.Sent.Skip(3).Select(f => (int)Parse(f)["id"]!));
        Assert.All(host.Sent.Skip(3), f => Assert.Equal("rate_limited", (string?)Parse(f)["message"]!["code"]));
        Assert.Null(host.Closed);
    }

    [Fact]
    public void An_idle_session_is_closed_idle_timeout_and_a_busy_one_is_told_when_to_check_again()
    {
        var (busy, _) = Start("game-server.idle-timeout = 1h");
        Assert.InRange(busy.CheckIdle()!.Value, TimeSpan.FromMinutes(59), TimeSpan.FromHours(1));

        var (idle, host) = Start("game-server.idle-timeout = 1ms");
        Thread.Sleep(10); // Longer than the timeout; only ever too long, never too short.

        Assert.Null(idle.CheckIdle());
        Assert.Equal((CloseReason.IdleTimeout, ErrorCode.IdleTimeout), host.Closed);
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

        public (CloseReason, ErrorCode)? Closed { get; private set; }

        public IActorRef Self => ActorRefs.Nobody;

        public IActorRef Registry => ActorRefs.Nobody;

        public string Who => "client 7";

        public void Send(EncodedFrame frame) => Sent.Add(frame);

        public void Close(CloseReason reason, ProtocolError error) => Closed = (reason, error.Code);

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
