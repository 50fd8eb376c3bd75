using System.Text;
using ActorGameServer.Protocol;
using ActorGameServer.Server.Actors;
using ActorGameServer.Server.Rooms;
using ActorGameServer.Server.Tests.Support;
using Akka.Actor;
using Xunit.Abstractions;

namespace ActorGameServer.Server.Tests.Rooms;

/// <summary>
/// What <see cref="RoomActorTests"/> cannot see, since it serializes every message (each
/// recipient then gets a copy): a room encodes a batch once and sends that one object to every
/// node, so the LocalRoom of its own node passes it on without a copy.
/// </summary>
public sealed class RoomBatchSharingTests(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit(output: output)
{
    private const string Room = "lobby";

    [Fact]
    public void Every_node_gets_the_same_batch_with_the_frames_encoded_once()
    {
        var nodes = new[] { (Directory: CreateTestProbe(), LocalRoom: CreateTestProbe()), (Directory: CreateTestProbe(), LocalRoom: CreateTestProbe()) };
        var settings = new RoomSettings(MaxMembers: 16, MaxRoomsPerClient: 8, MaxRooms: 100, FlushInterval: TimeSpan.Zero, StartTimeout: TimeSpan.FromMinutes(1));
        var (_, room) = ParentProxies.Start(Sys, RoomActor.Props(Room, settings, CreateTestProbe().Ref, () => [.. nodes.Select(n => n.Directory.Ref)]), CreateTestProbe().Ref);
        room.Tell(new RoomActor.Join(Room, new PlayerInfo(1, "Ada"), CreateTestProbe().Ref, null), nodes[0].LocalRoom.Ref);
        foreach (var (directory, _) in nodes)
        {
            directory.ExpectMsg<RoomDirectory.FindMembers>();
            directory.Reply(new RoomActor.MembersHere(Room, [], []));
        }

        nodes[0].LocalRoom.ExpectMsg<LocalRoom.Added>();
        room.Tell(new RoomActor.Join(Room, new PlayerInfo(2, "Bo"), CreateTestProbe().Ref, null), nodes[1].LocalRoom.Ref);
        nodes[0].LocalRoom.ExpectMsg<LocalRoom.PresenceJoined>();
        nodes[1].LocalRoom.ExpectMsg<LocalRoom.Added>();

        room.Tell(new RoomActor.Relay(Room, 1, new RawJson(Encoding.UTF8.GetBytes("1")), null));
        room.Tell(new RoomActor.Relay(Room, 2, new RawJson(Encoding.UTF8.GetBytes("2")), null));

        var batches = nodes.Select(n => n.LocalRoom.ExpectMsg<ClientActor.Relayed>()).ToList();
        Assert.Same(batches[0], batches[1]);
        Assert.Equal(2, batches[0].Frames.Count);
        Assert.All(batches[0].Frames.Zip(batches[1].Frames), pair => Assert.Same(pair.First.Frame, pair.Second.Frame));
    }
}
