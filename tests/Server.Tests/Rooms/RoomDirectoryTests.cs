using ActorGameServer.Protocol;
using ActorGameServer.Server.Actors;
using ActorGameServer.Server.Rooms;
using Akka.Actor;
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

    private IActorRef Start(int maxRooms = 100) =>
        Sys.ActorOf(RoomDirectory.Props(new RoomSettings(MaxMembers: 16, MaxRoomsPerClient: 8, MaxRooms: maxRooms)));

    private static (string Room, int Members)[] RoomsIn(JObject frame) =>
        [.. frame["message"]!["rooms"]!.Select(r => ((string)r["room"]!, (int)r["members"]!))];

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
