using System.Net;
using System.Text;
using ActorGameServer.Protocol;
using ActorGameServer.Server.Actors;
using ActorGameServer.Server.Rooms;
using ActorGameServer.Server.Routing;
using ActorGameServer.Server.Tests.Actors;
using ActorGameServer.Server.Tests.Support;
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
        var registry = Sys.ActorOf(ClientRegistry.Props(settings, CommandRoutes.Default, Sys.ActorOf(RoomDirectory.Props(settings.Rooms))));
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
        Sys.ActorOf(RoomDirectory.Props(new RoomSettings(MaxMembers: 16, MaxRoomsPerClient: 8, MaxRooms: maxRooms)));

    private static (string Room, int Members)[] RoomsIn(JObject frame) =>
        [.. frame["message"]!["rooms"]!.Select(r => ((string)r["room"]!, (int)r["members"]!))];

    private (TestProbe Connection, IActorRef Client) Connect(IActorRef registry)
    {
        var connection = CreateTestProbe();
        registry.Tell(new ClientRegistry.Accept(connection.Ref, new IPEndPoint(IPAddress.Loopback, 50000)));
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
