using System.Net;
using System.Text;
using ActorGameServer.Protocol;
using ActorGameServer.Server.Actors;
using ActorGameServer.Server.Rooms;
using ActorGameServer.Server.Routing;
using ActorGameServer.Server.Tests.Actors;
using ActorGameServer.Server.Tests.Support;
using ActorGameServer.Server.Transports.Tcp;
using Akka.Actor;
using Akka.IO;
using Akka.TestKit;
using Newtonsoft.Json.Linq;
using Xunit.Abstractions;

namespace ActorGameServer.Server.Tests.Rooms;

/// <summary>A real <see cref="RoomDirectory"/> with its real rooms, and probes standing in for the players' client actors.</summary>
public sealed class RoomDirectoryTests(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit(output: output)
{
    [Fact]
    public void The_first_join_creates_the_room_and_later_joins_of_the_same_name_reach_the_same_room()
    {
        var directory = Start();
        var ada = CreateTestProbe();
        var bo = CreateTestProbe();

        directory.Tell(new RoomDirectory.Join("lobby", new PlayerInfo(1, "Ada"), ada.Ref, Raw("7")), ada.Ref);
        var first = ada.ExpectMsg<ClientActor.JoinedRoom>();
        directory.Tell(new RoomDirectory.Join("lobby", new PlayerInfo(2, "Bo"), bo.Ref, null), bo.Ref);
        var second = bo.ExpectMsg<ClientActor.JoinedRoom>();

        Assert.Equal(directory.Path, first.RoomActor.Path.Parent);
        Assert.Equal(first.RoomActor, second.RoomActor);
        var joined = RoomFrames.Decode(first.Frame);
        Assert.Equal(7, (int)joined["id"]!);
        Assert.Equal([(1L, "Ada")], RoomFrames.Members(joined));
        Assert.Equal([(1L, "Ada"), (2L, "Bo")], RoomFrames.Members(RoomFrames.Decode(second.Frame)));
        Assert.Equal(2, (long)ada.NextFrame("PRESENCE")["message"]!["joined"]!["user_id"]!);
    }

    [Fact]
    public void Rooms_lists_the_rooms_with_members_sorted_by_name_with_their_counts()
    {
        var directory = Start();
        Join(directory, "zeta", 1);
        Join(directory, "alpha", 2);
        Join(directory, "alpha", 3);
        Join(directory, "Mid", 4);
        var emptied = Join(directory, "gone", 5);
        emptied.Room.Tell(new RoomActor.Leave(5, null), emptied.Client.Ref);
        emptied.Client.NextFrame("LEFT");
        var asker = CreateTestProbe();

        directory.Tell(new RoomDirectory.ListRooms(asker.Ref, Raw("\"r\"")));

        var rooms = asker.NextFrame("ROOMS");
        Assert.Equal("r", (string?)rooms["id"]);
        Assert.Equal([("Mid", 1), ("alpha", 2), ("zeta", 1)], RoomsIn(rooms));
    }

    [Fact]
    public void Who_for_a_room_that_does_not_exist_lists_no_members()
    {
        var directory = Start();
        Join(directory, "lobby", 1);
        var asker = CreateTestProbe();

        directory.Tell(new RoomDirectory.Who("nowhere", Raw("9")), asker.Ref);

        var who = asker.NextFrame("WHO");
        Assert.Equal("nowhere", (string?)who["message"]!["room"]);
        Assert.Equal(9, (int)who["id"]!);
        Assert.Empty(RoomFrames.Members(who));

        directory.Tell(new RoomDirectory.Who("lobby", null), asker.Ref); // An existing room answers itself.
        Assert.Equal([(1L, "player-1")], RoomFrames.Members(asker.NextFrame("WHO")));
    }

    [Fact]
    public void Past_max_rooms_a_new_room_is_refused_too_many_rooms_and_nothing_is_created()
    {
        var directory = Start(maxRooms: 2);
        Join(directory, "a", 1);
        Join(directory, "b", 2);
        var player = CreateTestProbe();

        directory.Tell(new RoomDirectory.Join("c", new PlayerInfo(3, "Cy"), player.Ref, Raw("4")), player.Ref);

        var refused = player.ExpectMsg<ClientActor.JoinRefused>();
        Assert.Equal("c", refused.Room);
        var error = RoomFrames.Decode(refused.Frame);
        Assert.Equal("too_many_rooms", (string?)error["message"]!["code"]);
        Assert.Equal(4, (int)error["id"]!);
        Assert.Equal(2, CountChildren(directory));
        directory.Tell(new RoomDirectory.Who("c", null), player.Ref);
        Assert.Empty(RoomFrames.Members(player.NextFrame("WHO")));

        // Existing rooms still take members.
        directory.Tell(new RoomDirectory.Join("a", new PlayerInfo(3, "Cy"), player.Ref, null), player.Ref);
        Assert.Equal([(1L, "player-1"), (3L, "Cy")], RoomFrames.Members(RoomFrames.Decode(player.ExpectMsg<ClientActor.JoinedRoom>().Frame)));
    }

    [Fact]
    public void An_emptied_room_is_retired_and_the_next_join_of_its_name_gets_a_fresh_working_room()
    {
        var directory = Start(maxRooms: 1);
        var (oldRoom, ada) = Join(directory, "lobby", 1);
        Watch(oldRoom);

        oldRoom.Tell(new RoomActor.Leave(1, null), ada.Ref);

        ada.NextFrame("LEFT");
        ExpectTerminated(oldRoom);
        var (room, bo) = Join(directory, "lobby", 2); // max-rooms = 1: the retired room no longer counts.
        var (sameRoom, cy) = Join(directory, "lobby", 3);
        Assert.NotEqual(oldRoom, room);
        Assert.Equal(room, sameRoom);
        bo.NextFrame("PRESENCE");
        room.Tell(new RoomActor.Relay(2, Raw("\"hi\""), null), bo.Ref);
        Assert.Equal("hi", (string?)cy.NextFrame("RELAY")["message"]!["data"]);
        // The old member is not in the new room: no RELAY for Ada before the WHO she asks it for.
        room.Tell(new RoomActor.Who(null), ada.Ref);
        Assert.Equal([(2L, "player-2"), (3L, "player-3")], RoomFrames.Members(ada.NextFrame("WHO")));
        var asker = CreateTestProbe();
        directory.Tell(new RoomDirectory.ListRooms(asker.Ref, null));
        Assert.Equal([("lobby", 2)], RoomsIn(asker.NextFrame("ROOMS")));
    }

    [Fact]
    public void A_join_on_its_way_when_the_room_reports_empty_is_not_lost()
    {
        var directory = Start();
        var (room, ada) = Join(directory, "lobby", 1);
        Watch(room);
        var bo = CreateTestProbe();

        // As if Ada had left and the room said so (1 join seen) just before Bo's JOIN reached it.
        directory.Tell(new RoomDirectory.Join("lobby", new PlayerInfo(2, "Bo"), bo.Ref, Raw("1")), bo.Ref);
        directory.Tell(new RoomDirectory.Empty("lobby", 1));

        var joined = bo.ExpectMsg<ClientActor.JoinedRoom>();
        Assert.Equal(room, joined.RoomActor);
        Assert.Equal([(1L, "player-1"), (2L, "Bo")], RoomFrames.Members(RoomFrames.Decode(joined.Frame)));
        room.Tell(new RoomActor.Relay(2, Raw("\"still open\""), null), bo.Ref);
        Assert.Equal(2, (long)ada.NextFrame("PRESENCE")["message"]!["joined"]!["user_id"]!);
        Assert.Equal("still open", (string?)ada.NextFrame("RELAY")["message"]!["data"]);
        // The room was not retired: a WHO through the directory, after the Empty, still reaches it.
        var asker = CreateTestProbe();
        directory.Tell(new RoomDirectory.Who("lobby", null), asker.Ref);
        Assert.Equal([(1L, "player-1"), (2L, "Bo")], RoomFrames.Members(asker.NextFrame("WHO")));

        // Once every join has been seen, emptying the room retires it as usual.
        room.Tell(new RoomActor.Leave(1, null), ada.Ref);
        room.Tell(new RoomActor.Leave(2, null), bo.Ref);
        ExpectTerminated(room);
    }

    [Fact]
    public void A_join_and_a_leave_that_empties_the_room_both_on_their_way_lose_neither()
    {
        var directory = Start();
        var ada = CreateTestProbe();
        var bo = CreateTestProbe();
        directory.Tell(new RoomDirectory.Join("lobby", new PlayerInfo(1, "Ada"), ada.Ref, null), ada.Ref);

        // Ada leaves the moment she is in, while Bo's JOIN is on its way through the directory:
        // the room empties with Bo's JOIN in flight, and Bo must still end up in a working room.
        var room = ada.ExpectMsg<ClientActor.JoinedRoom>().RoomActor;
        room.Tell(new RoomActor.Leave(1, null), ada.Ref);
        directory.Tell(new RoomDirectory.Join("lobby", new PlayerInfo(2, "Bo"), bo.Ref, null), bo.Ref);

        ada.NextFrame("LEFT");
        var joined = bo.ExpectMsg<ClientActor.JoinedRoom>();
        Assert.Equal([(2L, "Bo")], RoomFrames.Members(RoomFrames.Decode(joined.Frame)));
        // Whichever room Bo got, the directory finds it, and Ada, who left before Bo came, heard
        // nothing of him: the WHO she asks that room is the next thing she hears.
        directory.Tell(new RoomDirectory.Who("lobby", null), ada.Ref);
        Assert.Equal([(2L, "Bo")], RoomFrames.Members(ada.NextFrame("WHO")));
        joined.RoomActor.Tell(new RoomActor.Leave(2, null), bo.Ref);
        bo.NextFrame("LEFT");
    }

    [Fact]
    public void A_player_who_asks_for_rooms_as_soon_as_joined_arrives_sees_the_room_it_joined()
    {
        var directory = Start();
        var player = CreateTestProbe();
        var impatient = Sys.ActorOf(Props.Create(() => new AsksForRoomsRightAway(directory, player.Ref)).WithDispatcher(CallingThreadDispatcher.Id));

        directory.Tell(new RoomDirectory.Join("lobby", new PlayerInfo(1, "Ada"), impatient, null), impatient);

        player.ExpectMsg<ClientActor.JoinedRoom>();
        Assert.Equal([("lobby", 1)], RoomsIn(player.NextFrame("ROOMS")));
    }

    [Fact]
    public void A_player_who_asks_for_rooms_as_soon_as_left_arrives_no_longer_sees_the_room_it_emptied()
    {
        var directory = Start();
        var player = CreateTestProbe();
        var impatient = Sys.ActorOf(Props.Create(() => new AsksForRoomsRightAway(directory, player.Ref)).WithDispatcher(CallingThreadDispatcher.Id));
        directory.Tell(new RoomDirectory.Join("lobby", new PlayerInfo(1, "Ada"), impatient, null), impatient);
        var room = player.ExpectMsg<ClientActor.JoinedRoom>().RoomActor;
        player.NextFrame("ROOMS");

        room.Tell(new RoomActor.Leave(1, null), impatient);

        player.NextFrame("LEFT");
        Assert.Empty(RoomsIn(player.NextFrame("ROOMS")));
    }

    [Theory]
    [InlineData("game-server.rooms.max-rooms = 1", "other", "too_many_rooms")] // Refused by the directory: no room gets the RELAY.
    [InlineData("game-server.rooms.max-members = 1", "taken", "room_full")] // Refused by the room, which then gets a RELAY from a non-member.
    public void A_relay_sent_while_a_join_is_pending_and_then_refused_is_answered_not_in_room_with_its_id(string overrides, string room, string refusal)
    {
        var settings = ActorTestSettings.Create(overrides);
        var registry = this.StartRegistry(settings, CommandRoutes.Default, Sys.ActorOf(RoomDirectory.Props(settings.Rooms)));
        var (first, firstClient) = Connect(registry);
        firstClient.Tell(Frames("""{"cmd":"JOIN","message":{"room":"taken"}}"""), first);
        Assert.Equal("JOINED", (string?)Read(first, firstClient, 1)[0]["cmd"]);
        var (second, secondClient) = Connect(registry);

        // Both in one read, so the RELAY leaves the client actor before the JOIN is answered.
        secondClient.Tell(
            Frames(
                $$"""{"cmd":"JOIN","message":{"room":"{{room}}"},"id":1}""",
                $$"""{"cmd":"RELAY","message":{"room":"{{room}}","data":0},"id":5}"""),
            second);

        var replies = Read(second, secondClient, 2);
        Assert.Equal([(refusal, 1), ("not_in_room", 5)], replies.Select(r => ((string?)r["message"]!["code"], (int?)r["id"])));
    }

    private IActorRef Start(int maxRooms = 100) =>
        Sys.ActorOf(RoomDirectory.Props(new RoomSettings(MaxMembers: 16, MaxRoomsPerClient: 8, MaxRooms: maxRooms, FlushInterval: TimeSpan.Zero)));

    private static (string Room, int Members)[] RoomsIn(JObject frame) =>
        [.. frame["message"]!["rooms"]!.Select(r => ((string)r["room"]!, (int)r["members"]!))];

    private (IActorRef Room, MemberProbe Client) Join(IActorRef directory, string room, long userId)
    {
        var client = CreateTestProbe();
        directory.Tell(new RoomDirectory.Join(room, new PlayerInfo(userId, $"player-{userId}"), client.Ref, null), client.Ref);
        return (client.ExpectMsg<ClientActor.JoinedRoom>().RoomActor, new MemberProbe(client, userId));
    }

    /// <summary>How many room actors the directory holds right now.</summary>
    private int CountChildren(IActorRef directory)
    {
        var probe = CreateTestProbe();
        Sys.ActorSelection(directory.Path / "*").Tell(new Identify(null), probe.Ref);
        var count = 0;
        while (probe.ReceiveOne(TimeSpan.FromMilliseconds(300)) is ActorIdentity { Subject: not null })
        {
            count++;
        }

        return count;
    }

    private static RawJson Raw(string json) => new(Encoding.UTF8.GetBytes(json));

    private (TestProbe Connection, IActorRef Client) Connect(IActorRef registry)
    {
        var connection = this.CreateConnectionProbe();
        registry.Tell(new ClientRegistry.Admit(new TcpConnection(connection.Ref, new IPEndPoint(IPAddress.Loopback, 50000), 5000, 32)));
        var client = connection.ExpectMsg<Tcp.Register>().Handler;
        client.Tell(connection.ExpectMsg<Tcp.Write>().Ack, connection.Ref); // The WELCOME reached the socket.
        return (connection, client);
    }

    private static Tcp.Received Frames(params string[] json) =>
        new(ByteString.FromBytes([.. json.SelectMany(j => WireClient.Frame(Encoding.UTF8.GetBytes(j)))]));

    /// <summary>The next <paramref name="count"/> frames the client actor writes, acknowledging each write as the socket would.</summary>
    private static List<JObject> Read(TestProbe connection, IActorRef client, int count)
    {
        var frames = new List<JObject>();
        while (frames.Count < count)
        {
            var write = connection.ExpectMsg<Tcp.Write>();
            frames.AddRange(WrittenFrames.Of(write));
            client.Tell(write.Ack, connection.Ref);
        }

        Assert.Equal(count, frames.Count);
        return frames;
    }

    /// <summary>
    /// A client that sends ROOMS the moment it is told JOINED or LEFT, and passes everything on to a probe.
    /// On the calling-thread dispatcher it reacts inside the room's own Tell, the earliest any player could.
    /// </summary>
    private sealed class AsksForRoomsRightAway : UntypedActor
    {
        private readonly IActorRef _directory;
        private readonly IActorRef _probe;

        public AsksForRoomsRightAway(IActorRef directory, IActorRef probe)
        {
            _directory = directory;
            _probe = probe;
        }

        protected override void OnReceive(object message)
        {
            _probe.Forward(message);
            var isLeft = message is ClientActor.Send send && (string?)RoomFrames.Decode(send.Frame)["cmd"] == "LEFT";
            if (message is ClientActor.JoinedRoom || isLeft)
            {
                _directory.Tell(new RoomDirectory.ListRooms(Self, null));
            }
        }
    }
}
