using System.Text;
using ActorGameServer.Protocol;
using ActorGameServer.Server.Actors;
using ActorGameServer.Server.Configuration;
using ActorGameServer.Server.Rooms;
using Akka.Actor;
using Akka.TestKit;
using Newtonsoft.Json.Linq;
using Xunit.Abstractions;

namespace ActorGameServer.Server.Tests.Rooms;

/// <summary>
/// A real <see cref="RoomDirectory"/> with its real LocalRooms, on a node of a cluster it has not
/// joined (it follows the cluster and Distributed Data, which need the cluster provider), with a
/// probe standing in for the rooms' shard region and probes for the players' ClientActors. What
/// the rooms on this node would report (their member counts) the tests tell it themselves.
/// </summary>
public sealed class RoomDirectoryTests(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit(Config, output: output)
{
    private static readonly Akka.Configuration.Config Config = ServerConfig.LoadWith("""
        akka.actor.provider = cluster
        akka.remote.dot-netty.tcp {
          hostname = "127.0.0.1"
          port = 0
        }
        """);

    [Fact]
    public void A_join_creates_a_local_room_that_asks_the_room_through_the_region_and_later_joins_use_it_too()
    {
        var (directory, region) = Start();
        var ada = CreateTestProbe();
        var bo = CreateTestProbe();

        directory.Tell(new RoomDirectory.Join("lobby", new PlayerInfo(1, "Ada"), ada.Ref, Raw("7")), ada.Ref);

        var join = region.ExpectMsg<RoomActor.Join>();
        Assert.Equal(("lobby", new PlayerInfo(1, "Ada"), ada.Ref, "7"), (join.Room, join.Player, join.Client, join.Id?.ToString()));
        var localRoom = region.LastSender;
        Assert.Equal(directory.Path, localRoom.Path.Parent);

        directory.Tell(new RoomDirectory.Join("lobby", new PlayerInfo(2, "Bo"), bo.Ref, null), bo.Ref);
        Assert.Equal(2, region.ExpectMsg<RoomActor.Join>().Player.UserId);
        Assert.Equal(localRoom, region.LastSender);

        directory.Tell(new RoomDirectory.Join("other", new PlayerInfo(2, "Bo"), bo.Ref, null), bo.Ref);
        Assert.Equal("other", region.ExpectMsg<RoomActor.Join>().Room);
        Assert.NotEqual(localRoom, region.LastSender); // A LocalRoom per room.
    }

    [Fact]
    public void Past_max_rooms_a_new_room_is_refused_too_many_rooms_and_existing_rooms_still_take_members()
    {
        var (directory, region) = Start(maxRooms: 2);
        directory.Tell(new RoomDirectory.MemberCount("a", 1)); // As the rooms living on this node report.
        directory.Tell(new RoomDirectory.MemberCount("b", 3));
        var cy = CreateTestProbe();

        directory.Tell(new RoomDirectory.Join("c", new PlayerInfo(3, "Cy"), cy.Ref, Raw("4")), cy.Ref);

        var refused = cy.ExpectMsg<ClientActor.JoinRefused>();
        Assert.Equal("c", refused.Room);
        var error = RoomFrames.Decode(refused.Frame);
        Assert.Equal("too_many_rooms", (string?)error["message"]!["code"]);
        Assert.Equal(4, (int)error["id"]!);

        // Nothing went to room "c": the next JOIN the region sees is Cy's for "a", which exists.
        directory.Tell(new RoomDirectory.Join("a", new PlayerInfo(3, "Cy"), cy.Ref, null), cy.Ref);
        Assert.Equal("a", region.ExpectMsg<RoomActor.Join>().Room);

        // Once room "b" is empty it no longer counts.
        directory.Tell(new RoomDirectory.MemberCount("b", 0));
        directory.Tell(new RoomDirectory.Join("c", new PlayerInfo(3, "Cy"), cy.Ref, null), cy.Ref);
        Assert.Equal("c", region.ExpectMsg<RoomActor.Join>().Room);
    }

    [Fact]
    public void Rooms_lists_the_rooms_with_members_sorted_by_name_with_their_counts()
    {
        var (directory, _) = Start();
        directory.Tell(new RoomDirectory.MemberCount("zeta", 1));
        directory.Tell(new RoomDirectory.MemberCount("alpha", 2));
        directory.Tell(new RoomDirectory.MemberCount("Mid", 1));
        directory.Tell(new RoomDirectory.MemberCount("gone", 1));
        directory.Tell(new RoomDirectory.MemberCount("gone", 0));
        var asker = CreateTestProbe();

        directory.Tell(new RoomDirectory.ListRooms(asker.Ref, Raw("\"r\"")));

        var rooms = asker.NextFrame("ROOMS");
        Assert.Equal("r", (string?)rooms["id"]);
        Assert.Equal([("Mid", 1), ("alpha", 2), ("zeta", 1)], RoomsIn(rooms));
    }

    [Fact]
    public void Who_for_a_room_no_node_lists_is_answered_with_no_members()
    {
        var (directory, _) = Start();
        var asker = CreateTestProbe();

        directory.Tell(new RoomDirectory.Who("nowhere", Raw("9")), asker.Ref);

        var who = asker.NextFrame("WHO");
        Assert.Equal("nowhere", (string?)who["message"]!["room"]);
        Assert.Equal(9, (int)who["id"]!);
        Assert.Empty(RoomFrames.Members(who));
    }

    [Fact]
    public void Who_for_a_listed_room_goes_to_the_room_through_the_region_and_the_room_answers_the_asker()
    {
        var (directory, region) = Start();
        directory.Tell(new RoomDirectory.MemberCount("lobby", 1));
        var asker = CreateTestProbe();

        directory.Tell(new RoomDirectory.Who("lobby", Raw("9")), asker.Ref);

        var who = region.ExpectMsg<RoomActor.Who>();
        Assert.Equal(("lobby", "9"), (who.Room, who.Id?.ToString()));
        Assert.Equal(asker.Ref, region.LastSender);
    }

    [Fact]
    public void A_starting_room_is_told_nobody_is_here_by_a_node_without_that_room()
    {
        var (directory, _) = Start();
        var room = CreateTestProbe();

        directory.Tell(new RoomDirectory.FindMembers("lobby"), room.Ref);

        var here = room.ExpectMsg<RoomActor.MembersHere>();
        Assert.Equal("lobby", here.Room);
        Assert.Empty(here.Members);
        Assert.Empty(here.Known);
    }

    [Fact]
    public void A_starting_room_is_answered_by_the_nodes_local_room_with_its_members()
    {
        var (directory, region) = Start();
        var ada = CreateTestProbe();
        directory.Tell(new RoomDirectory.Join("lobby", new PlayerInfo(1, "Ada"), ada.Ref, null), ada.Ref);
        region.ExpectMsg<RoomActor.Join>();
        var localRoom = region.LastSender;
        var oldRoom = CreateTestProbe();
        localRoom.Tell(new LocalRoom.Added(1, [new PlayerInfo(1, "Ada")], ServerFrames.Joined("lobby", [new PlayerInfo(1, "Ada")], null)), oldRoom.Ref);
        ada.ExpectMsg<ClientActor.JoinedRoom>();
        var newRoom = CreateTestProbe();

        directory.Tell(new RoomDirectory.FindMembers("lobby"), newRoom.Ref);

        var here = newRoom.ExpectMsg<RoomActor.MembersHere>();
        Assert.Equal(localRoom, newRoom.LastSender); // So the room reaches Ada through it.
        var member = Assert.Single(here.Members);
        Assert.Equal((new PlayerInfo(1, "Ada"), ada.Ref), (member.Player, member.Client));
    }

    [Fact]
    public void An_emptied_local_room_is_retired_and_the_next_join_of_its_name_gets_a_new_one()
    {
        var (directory, region) = Start();
        var ada = CreateTestProbe();
        directory.Tell(new RoomDirectory.Join("lobby", new PlayerInfo(1, "Ada"), ada.Ref, null), ada.Ref);
        region.ExpectMsg<RoomActor.Join>();
        var localRoom = region.LastSender;
        Watch(localRoom);

        // The room refuses Ada: the LocalRoom has nobody left and says so.
        localRoom.Tell(new LocalRoom.Refused(1, ServerFrames.Error(new ProtocolError(ErrorCode.RoomFull, "full"))), CreateTestProbe().Ref);

        ada.ExpectMsg<ClientActor.JoinRefused>();
        ExpectTerminated(localRoom);
        directory.Tell(new RoomDirectory.Join("lobby", new PlayerInfo(1, "Ada"), ada.Ref, null), ada.Ref);
        region.ExpectMsg<RoomActor.Join>();
        Assert.NotEqual(localRoom, region.LastSender);
    }

    [Fact]
    public void A_local_room_that_reports_empty_while_a_join_is_on_its_way_to_it_is_not_retired()
    {
        var (directory, region) = Start();
        var ada = CreateTestProbe();
        var bo = CreateTestProbe();
        directory.Tell(new RoomDirectory.Join("lobby", new PlayerInfo(1, "Ada"), ada.Ref, null), ada.Ref);
        region.ExpectMsg<RoomActor.Join>();
        var localRoom = region.LastSender;

        // As if Ada had been refused and the LocalRoom said so (1 join seen) just before Bo's JOIN reached it.
        directory.Tell(new RoomDirectory.Join("lobby", new PlayerInfo(2, "Bo"), bo.Ref, null), bo.Ref);
        directory.Tell(new RoomDirectory.LocalRoomEmpty("lobby", 1));

        Assert.Equal(2, region.ExpectMsg<RoomActor.Join>().Player.UserId);
        Assert.Equal(localRoom, region.LastSender);
        var cy = CreateTestProbe();
        directory.Tell(new RoomDirectory.Join("lobby", new PlayerInfo(3, "Cy"), cy.Ref, null), cy.Ref);
        Assert.Equal(3, region.ExpectMsg<RoomActor.Join>().Player.UserId);
        Assert.Equal(localRoom, region.LastSender); // Still the same LocalRoom: Bo and Cy are reached there.

        // Once it has seen every JOIN sent to it, empty means empty.
        Watch(localRoom);
        directory.Tell(new RoomDirectory.LocalRoomEmpty("lobby", 3));
        ExpectTerminated(localRoom);
    }

    private (IActorRef Directory, TestProbe Region) Start(int maxRooms = 100)
    {
        var region = CreateTestProbe();
        var settings = new RoomSettings(MaxMembers: 16, MaxRoomsPerClient: 8, MaxRooms: maxRooms, FlushInterval: TimeSpan.Zero, StartTimeout: TimeSpan.FromSeconds(5));
        return (Sys.ActorOf(RoomDirectory.Props(settings, () => region.Ref)), region);
    }

    private static (string Room, int Members)[] RoomsIn(JObject frame) =>
        [.. frame["message"]!["rooms"]!.Select(r => ((string)r["room"]!, (int)r["members"]!))];

    private static RawJson Raw(string json) => new(Encoding.UTF8.GetBytes(json));
}
