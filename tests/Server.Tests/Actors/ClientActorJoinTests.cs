using System.Net;
using System.Text;
using ActorGameServer.Protocol;
using ActorGameServer.Server.Actors;
using ActorGameServer.Server.Rooms;
using ActorGameServer.Server.Routing;
using ActorGameServer.Server.Tests.Support;
using ActorGameServer.Server.Transports.Tcp;
using Akka.Actor;
using Akka.IO;
using Akka.TestKit;
using Newtonsoft.Json.Linq;
using Xunit.Abstractions;

namespace ActorGameServer.Server.Tests.Actors;

/// <summary>
/// What a <see cref="ClientActor"/> does with requests about a room while its JOIN of that room
/// is on its way: probes stand in for the connection, the room directory and the rooms, so the
/// test decides when each JOIN is answered.
/// </summary>
public sealed class ClientActorJoinTests(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit(SerializeMessages.Config, output: output)
{
    private const long UserId = 7;
    private static readonly PlayerInfo Player = new(UserId, "player-7");

    [Fact]
    public void Relays_sent_before_JOINED_wait_and_then_go_straight_to_the_room_in_order()
    {
        var (connection, client, directory) = Start();

        Receive(client, connection, """{"cmd":"JOIN","message":{"room":"lobby"}}""");
        Receive(client, connection, """{"cmd":"RELAY","message":{"room":"lobby","data":1}}""");
        Receive(client, connection, """{"cmd":"RELAY","message":{"room":"lobby","data":2}}""");

        Assert.Equal("lobby", directory.ExpectMsg<RoomDirectory.Join>().Room);
        // Nothing takes another path to the room: a relay forwarded by the directory could be
        // overtaken by one sent straight to the room after JOINED.
        ExpectNothingElseAtTheDirectory(client, connection, directory);

        var room = CreateTestProbe();
        client.Tell(new ClientActor.JoinedRoom("lobby", room.Ref, ServerFrames.Joined("lobby", [Player], null)));

        Assert.Equal(["1", "2"], new[] { room.ExpectMsg<RoomActor.Relay>(), room.ExpectMsg<RoomActor.Relay>() }.Select(r => r.Data.ToString()));
        Assert.Equal(client, room.LastSender);
        Receive(client, connection, """{"cmd":"RELAY","message":{"room":"lobby","data":3}}""");
        Assert.Equal("3", room.ExpectMsg<RoomActor.Relay>().Data.ToString());
        ExpectNothingElseAtTheDirectory(client, connection, directory);
    }

    [Fact]
    public void While_its_room_moves_a_client_holds_the_rooms_requests_in_order_and_sends_them_to_the_next_incarnation()
    {
        var (connection, client, directory) = Start();
        Receive(client, connection, """{"cmd":"JOIN","message":{"room":"lobby"}}""");
        directory.ExpectMsg<RoomDirectory.Join>();
        var room = CreateTestProbe();
        client.Tell(new ClientActor.JoinedRoom("lobby", room.Ref, ServerFrames.Joined("lobby", [Player], null)));
        Receive(client, connection, """{"cmd":"RELAY","message":{"room":"lobby","data":1}}""");
        Assert.Equal("1", room.ExpectMsg<RoomActor.Relay>().Data.ToString());

        client.Tell(new ClientActor.RoomMoving("lobby"), room.Ref);
        room.ExpectMsg<RoomActor.Moved>();
        Receive(client, connection, """{"cmd":"RELAY","message":{"room":"lobby","data":2}}""");
        Receive(client, connection, """{"cmd":"WHO","message":{"room":"lobby"}}""");
        var next = CreateTestProbe();
        client.Tell(new ClientActor.RoomHere("lobby", next.Ref));

        Assert.Equal("2", next.ExpectMsg<RoomActor.Relay>().Data.ToString());
        Assert.Equal("lobby", next.ExpectMsg<RoomActor.Who>().Room);
        Receive(client, connection, """{"cmd":"RELAY","message":{"room":"lobby","data":3}}""");
        Assert.Equal("3", next.ExpectMsg<RoomActor.Relay>().Data.ToString());
        room.ExpectNoMsg(TimeSpan.FromMilliseconds(100)); // Nothing more to the stopped incarnation.
    }

    [Fact]
    public void A_room_that_says_it_moves_before_its_JOINED_arrives_gets_nothing_until_its_next_incarnation_says_where_it_is()
    {
        var (connection, client, directory) = Start();
        Receive(client, connection, """{"cmd":"JOIN","message":{"room":"lobby"}}""");
        directory.ExpectMsg<RoomDirectory.Join>();
        var room = CreateTestProbe();

        // The room tells its members directly; JOINED comes through their LocalRoom, later.
        client.Tell(new ClientActor.RoomMoving("lobby"), room.Ref);
        room.ExpectMsg<RoomActor.Moved>();
        client.Tell(new ClientActor.JoinedRoom("lobby", room.Ref, ServerFrames.Joined("lobby", [Player], null)));
        Receive(client, connection, """{"cmd":"RELAY","message":{"room":"lobby","data":1}}""");
        var next = CreateTestProbe();
        client.Tell(new ClientActor.RoomHere("lobby", next.Ref));

        Assert.Equal("1", next.ExpectMsg<RoomActor.Relay>().Data.ToString());
        room.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void Join_leave_join_while_the_first_join_is_pending_runs_in_the_order_sent_without_errors()
    {
        var (connection, client, directory) = Start();

        Receive(client, connection, """{"cmd":"JOIN","message":{"room":"lobby"},"id":1}""");
        Receive(client, connection, """{"cmd":"LEAVE","message":{"room":"lobby"},"id":2}""");
        Receive(client, connection, """{"cmd":"JOIN","message":{"room":"lobby"},"id":3}""");
        Receive(client, connection, """{"cmd":"RELAY","message":{"room":"lobby","data":"after"}}""");
        Assert.Equal("1", directory.ExpectMsg<RoomDirectory.Join>().Id?.ToString());
        ExpectNothingElseAtTheDirectory(client, connection, directory); // The second JOIN waits for the first.

        var first = CreateTestProbe();
        client.Tell(new ClientActor.JoinedRoom("lobby", first.Ref, ServerFrames.Joined("lobby", [Player], Raw("1"))));
        Assert.Equal("2", first.ExpectMsg<RoomActor.Leave>().Id?.ToString());
        Assert.Equal("3", directory.ExpectMsg<RoomDirectory.Join>().Id?.ToString());

        var second = CreateTestProbe();
        client.Tell(new ClientActor.JoinedRoom("lobby", second.Ref, ServerFrames.Joined("lobby", [Player], Raw("3"))));
        Assert.Equal("\"after\"", second.ExpectMsg<RoomActor.Relay>().Data.ToString());

        // The relay waited for the second JOIN and never went to the first room: that room's
        // probe also answers a JOIN of "other", and a RELAY there is the next thing it hears.
        Receive(client, connection, """{"cmd":"JOIN","message":{"room":"other"},"id":4}""");
        Assert.Equal("other", directory.ExpectMsg<RoomDirectory.Join>().Room);
        client.Tell(new ClientActor.JoinedRoom("other", first.Ref, ServerFrames.Joined("other", [Player], Raw("4"))));
        Receive(client, connection, """{"cmd":"RELAY","message":{"room":"other","data":"sentinel"}}""");
        Assert.Equal("\"sentinel\"", first.ExpectMsg<RoomActor.Relay>().Data.ToString());

        // The player saw the JOINEDs and nothing else (no already_in_room, no not_in_room).
        Receive(client, connection, """{"cmd":"PING","message":"end"}""");
        var frames = ReadUntilPong(connection, client);
        Assert.Equal(["JOINED 1", "JOINED 3", "JOINED 4", "PONG "], frames.Select(f => $"{f["cmd"]} {f["id"]}"));
    }

    [Fact]
    public void Requests_waiting_for_a_refused_join_are_answered_not_in_room_with_their_ids()
    {
        var (connection, client, directory) = Start();

        Receive(client, connection, """{"cmd":"JOIN","message":{"room":"full"},"id":1}""");
        Receive(client, connection, """{"cmd":"RELAY","message":{"room":"full","data":0},"id":2}""");
        Receive(client, connection, """{"cmd":"LEAVE","message":{"room":"full"},"id":3}""");
        directory.ExpectMsg<RoomDirectory.Join>();

        var refusal = new ProtocolError(ErrorCode.RoomFull, "room \"full\" is full (1 members)");
        client.Tell(new ClientActor.JoinRefused("full", ServerFrames.Error(refusal, Raw("1"))));

        Receive(client, connection, """{"cmd":"PING","message":"end"}""");
        var frames = ReadUntilPong(connection, client);
        Assert.Equal(
            ["ERROR 1 room_full", "ERROR 2 not_in_room", "ERROR 3 not_in_room", "PONG  "],
            frames.Select(f => $"{f["cmd"]} {f["id"]} {(f["message"] as JObject)?["code"]}"));
        ExpectNothingElseAtTheDirectory(client, connection, directory); // Not a second JOIN, nor a request routed around the refusal.
    }

    private (TestProbe Connection, IActorRef Client, TestProbe Directory) Start()
    {
        var connection = this.CreateConnectionProbe();
        var directory = CreateTestProbe();
        var settings = ActorTestSettings.Create();
        var tcp = new TcpConnection(connection.Ref, new IPEndPoint(IPAddress.Loopback, 50000), settings.MaxPayload, settings.MaxJsonDepth);
        var props = ClientActor.Props(UserId, tcp, settings, CommandRoutes.Default, directory.Ref);
        Sys.ActorOf(Props.Create(() => new ParentProxy(props, CreateTestProbe().Ref)));
        var client = connection.ExpectMsg<Tcp.Register>().Handler;
        var welcome = connection.ExpectMsg<Tcp.Write>();
        client.Tell(welcome.Ack, connection);
        return (connection, client, directory);
    }

    private static void Receive(IActorRef client, TestProbe connection, string json) =>
        client.Tell(WrittenFrames.Received(json), connection);

    /// <summary>
    /// A sentinel through the directory: the client is sent a ROOMS request, which goes to the
    /// directory at once, so the directory's next message must be that listing and nothing else
    /// the client sent it before. (The probe never answers, so no ROOMS frame is written.)
    /// </summary>
    private static void ExpectNothingElseAtTheDirectory(IActorRef client, TestProbe connection, TestProbe directory)
    {
        Receive(client, connection, """{"cmd":"ROOMS","message":{},"id":"sentinel"}""");
        Assert.Equal("\"sentinel\"", directory.ExpectMsg<RoomDirectory.ListRooms>().Id?.ToString());
    }

    /// <summary>Acknowledges every write and collects its frames until a PONG arrives.</summary>
    private static List<JObject> ReadUntilPong(TestProbe connection, IActorRef client)
    {
        var frames = new List<JObject>();
        while (frames.Count == 0 || (string?)frames[^1]["cmd"] != "PONG")
        {
            var write = connection.ExpectMsg<Tcp.Write>();
            frames.AddRange(WrittenFrames.Of(write));
            client.Tell(write.Ack, connection);
        }

        return frames;
    }

    private static RawJson Raw(string json) => new(Encoding.UTF8.GetBytes(json));
}
