using System.Text;
using ActorGameServer.Protocol;
using ActorGameServer.Server.Actors;
using ActorGameServer.Server.Rooms;
using ActorGameServer.Server.Tests.Support;
using Akka.Actor;
using Akka.TestKit;
using Xunit.Abstractions;

namespace ActorGameServer.Server.Tests.Rooms;

/// <summary>
/// One <see cref="LocalRoom"/> as its directory holds it (its parent, a <see cref="ParentProxy"/>),
/// with probes standing in for the shard region, for the room's actor (wherever it lives) and for
/// the players' ClientActors. Every message is serialized on its way, as if it crossed nodes
/// (<see cref="SerializeMessages"/>).
/// </summary>
public sealed class LocalRoomTests(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit(SerializeMessages.Config, output: output)
{
    private const string Room = "lobby";

    [Fact]
    public void A_join_goes_to_the_room_through_the_region_with_the_players_request_id()
    {
        var local = Start();
        var ada = CreateTestProbe();

        local.Actor.Tell(new RoomDirectory.Join(Room, new PlayerInfo(1, "Ada"), ada.Ref, Raw("7")));

        var join = local.Region.ExpectMsg<RoomActor.Join>();
        Assert.Equal(Room, join.Room);
        Assert.Equal(new PlayerInfo(1, "Ada"), join.Player);
        Assert.Equal(ada.Ref, join.Client);
        Assert.Equal("7", join.Id?.ToString());
        Assert.Equal(local.Actor, local.Region.LastSender); // So the room answers here.
    }

    [Fact]
    public void An_accepted_join_tells_the_client_to_send_to_the_room_itself_not_through_the_region()
    {
        var local = Start();
        var ada = Join(local, 1, "Ada");
        PlayerInfo[] players = [new(1, "Ada"), new(4, "Xu")];

        local.Actor.Tell(new LocalRoom.Added(1, players, ServerFrames.Joined(Room, players, Raw("7"))), local.RoomActor.Ref);

        var joined = ada.ExpectMsg<ClientActor.JoinedRoom>();
        Assert.Equal(Room, joined.Room);
        Assert.Equal(local.RoomActor.Ref, joined.RoomActor); // One hop, and nothing a region could drop in a hand-off.
        var frame = RoomFrames.Decode(joined.Frame);
        Assert.Equal("JOINED", (string?)frame["cmd"]);
        Assert.Equal(7, (int)frame["id"]!);
        Assert.Equal([(1L, "Ada"), (4L, "Xu")], RoomFrames.Members(frame));
    }

    [Fact]
    public void A_refused_join_tells_the_client_refused_and_leaves_the_local_room_empty()
    {
        var local = Start();
        var ada = Join(local, 1, "Ada");

        var error = ServerFrames.Error(new ProtocolError(ErrorCode.RoomFull, "full"), Raw("3"));
        local.Actor.Tell(new LocalRoom.Refused(1, error), local.RoomActor.Ref);

        var refused = ada.ExpectMsg<ClientActor.JoinRefused>();
        Assert.Equal(Room, refused.Room);
        var frame = RoomFrames.Decode(refused.Frame);
        Assert.Equal("room_full", (string?)frame["message"]!["code"]);
        Assert.Equal(3, (int)frame["id"]!);
        Assert.Equal(new RoomDirectory.LocalRoomEmpty(Room, 1), local.Parent.ExpectMsg<RoomDirectory.LocalRoomEmpty>());
    }

    [Fact]
    public void Batches_and_presence_reach_the_members_here_and_nobody_still_joining()
    {
        var local = Start();
        var ada = Member(local, 1, "Ada");
        var bo = Member(local, 2, "Bo");
        var cy = Join(local, 3, "Cy");

        local.Actor.Tell(new ClientActor.Relayed([new ClientActor.RelayedFrame(9, ServerFrames.Relay(Room, 9, Raw("\"hi\"")), 0)], 0), local.RoomActor.Ref);
        local.Actor.Tell(new LocalRoom.PresenceJoined(new PlayerInfo(9, "Di"), ServerFrames.PresenceJoined(Room, new PlayerInfo(9, "Di"))), local.RoomActor.Ref);
        local.Actor.Tell(new LocalRoom.PresenceLeft(9, ServerFrames.PresenceLeft(Room, 9)), local.RoomActor.Ref);

        foreach (var member in new[] { ada, bo })
        {
            var relayed = Assert.Single(member.ExpectMsg<ClientActor.Relayed>().Frames);
            Assert.Equal(9, relayed.From);
            Assert.Equal("hi", (string?)RoomFrames.Decode(relayed.Frame)["message"]!["data"]);
            Assert.Equal(9, (long)member.NextFrame("PRESENCE")["message"]!["joined"]!["user_id"]!);
            Assert.Equal(9, (long)member.NextFrame("PRESENCE")["message"]!["left"]!["user_id"]!);
        }

        // Cy's JOIN was not answered yet: the first thing he hears is his JOINED.
        Add(local, cy, 3, new PlayerInfo(1, "Ada"), new PlayerInfo(2, "Bo"), new PlayerInfo(3, "Cy"));
    }

    [Fact]
    public void A_member_whose_client_stops_leaves_the_room_without_a_reply()
    {
        var local = Start();
        var ada = Member(local, 1, "Ada");
        var bo = Member(local, 2, "Bo");

        Sys.Stop(bo.Ref); // Bo's connection ended.

        Assert.Equal(new RoomActor.Leave(Room, 2, null, Reply: false), local.Region.ExpectMsg<RoomActor.Leave>());
        ExpectNotEmptyYet(local);

        Sys.Stop(ada.Ref);

        Assert.Equal(new RoomActor.Leave(Room, 1, null, Reply: false), local.Region.ExpectMsg<RoomActor.Leave>());
        Assert.Equal(new RoomDirectory.LocalRoomEmpty(Room, 2), local.Parent.ExpectMsg<RoomDirectory.LocalRoomEmpty>());
    }

    [Fact]
    public void A_client_that_stops_while_its_join_is_pending_leaves_too()
    {
        var local = Start();
        var ada = Join(local, 1, "Ada");

        Sys.Stop(ada.Ref);

        // The room gets the JOIN and then the LEAVE, in that order, from here: it ends up without Ada.
        Assert.Equal(new RoomActor.Leave(Room, 1, null, Reply: false), local.Region.ExpectMsg<RoomActor.Leave>());
        Assert.Equal(new RoomDirectory.LocalRoomEmpty(Room, 1), local.Parent.ExpectMsg<RoomDirectory.LocalRoomEmpty>());

        // The room's answer to the JOIN, on its way meanwhile, finds nobody to tell.
        local.Actor.Tell(new LocalRoom.Added(1, [new PlayerInfo(1, "Ada")], ServerFrames.Joined(Room, [new PlayerInfo(1, "Ada")], null)), local.RoomActor.Ref);
        Assert.Empty(FindMembers(local).Members);
    }

    [Fact]
    public void A_starting_room_is_told_the_members_here_and_everyone_in_the_room_as_last_heard()
    {
        var local = Start();
        var ada = Join(local, 1, "Ada");
        Add(local, ada, 1, new PlayerInfo(1, "Ada"), new PlayerInfo(5, "Xu")); // Xu is on another node.
        Join(local, 2, "Bo"); // Not in yet.
        local.Actor.Tell(new LocalRoom.PresenceJoined(new PlayerInfo(6, "Yo"), ServerFrames.PresenceJoined(Room, new PlayerInfo(6, "Yo"))), local.RoomActor.Ref);
        local.Actor.Tell(new LocalRoom.PresenceLeft(5, ServerFrames.PresenceLeft(Room, 5)), local.RoomActor.Ref);

        var here = FindMembers(local, CreateTestProbe()); // A new incarnation asks.

        Assert.Equal(Room, here.Room);
        var member = Assert.Single(here.Members);
        Assert.Equal((new PlayerInfo(1, "Ada"), ada.Ref), (member.Player, member.Client));
        Assert.Equal([new PlayerInfo(1, "Ada"), new PlayerInfo(6, "Yo")], here.Known.OrderBy(p => p.UserId));
    }

    [Fact]
    public void When_the_room_stops_under_its_members_it_is_woken_through_the_region()
    {
        var local = Start();
        Member(local, 1, "Ada");

        Sys.Stop(local.RoomActor.Ref); // Its node stopped or died, or its shard moved.

        Assert.Equal(new RoomActor.Wake(Room), local.Region.ExpectMsg<RoomActor.Wake>());
    }

    [Fact]
    public void Only_the_rooms_newest_incarnation_is_watched()
    {
        var local = Start();
        Member(local, 1, "Ada");
        var newer = CreateTestProbe();
        FindMembers(local, newer); // A new incarnation asks who is here: from now on it is the room.

        Sys.Stop(local.RoomActor.Ref);
        Sys.Stop(newer.Ref);

        Assert.Equal(new RoomActor.Wake(Room), local.Region.ExpectMsg<RoomActor.Wake>());
        ExpectNothingMoreAtTheRegion(local); // Woken once.
    }

    [Fact]
    public void When_the_room_stops_with_nobody_here_it_is_not_woken()
    {
        var local = Start();
        var ada = Member(local, 1, "Ada");
        local.Actor.Tell(new LocalRoom.Removed(1, ServerFrames.Left(Room, null)), local.RoomActor.Ref);
        ada.NextFrame("LEFT");
        local.Parent.ExpectMsg<RoomDirectory.LocalRoomEmpty>();
        Watch(local.RoomActor.Ref);

        Sys.Stop(local.RoomActor.Ref); // The room passivated: nobody was left.
        ExpectTerminated(local.RoomActor.Ref);

        ExpectNothingMoreAtTheRegion(local);
    }

    [Fact]
    public void The_last_member_leaving_reports_the_local_room_empty_with_the_joins_it_saw()
    {
        var local = Start();
        var ada = Member(local, 1, "Ada");
        Member(local, 2, "Bo");

        local.Actor.Tell(new LocalRoom.Removed(1, ServerFrames.Left(Room, Raw("\"bye\""))), local.RoomActor.Ref);

        Assert.Equal("bye", (string?)ada.NextFrame("LEFT")["id"]);
        ExpectNotEmptyYet(local);

        local.Actor.Tell(new LocalRoom.Removed(2, null), local.RoomActor.Ref); // Bo's connection ended: no reply.

        Assert.Equal(new RoomDirectory.LocalRoomEmpty(Room, 2), local.Parent.ExpectMsg<RoomDirectory.LocalRoomEmpty>());
    }

    /// <param name="Parent">Hears what the LocalRoom tells its directory.</param>
    /// <param name="RoomActor">Stands in for the room's current incarnation, which answers the JOINs and sends the batches.</param>
    private sealed record Started(IActorRef Actor, IActorRef Directory, TestProbe Parent, TestProbe Region, TestProbe RoomActor);

    private Started Start()
    {
        var parent = CreateTestProbe();
        var region = CreateTestProbe();
        var (directory, local) = ParentProxies.Start(Sys, LocalRoom.Props(Room, region.Ref), parent.Ref);
        return new Started(local, directory, parent, region, CreateTestProbe());
    }

    /// <summary>A player whose JOIN went to the room, not answered yet.</summary>
    private TestProbe Join(Started local, long userId, string name)
    {
        var client = CreateTestProbe();
        local.Actor.Tell(new RoomDirectory.Join(Room, new PlayerInfo(userId, name), client.Ref, null));
        Assert.Equal(userId, local.Region.ExpectMsg<RoomActor.Join>().Player.UserId);
        return client;
    }

    /// <summary>The room accepts <paramref name="userId"/>'s JOIN; <paramref name="players"/> is everyone in it now.</summary>
    private static void Add(Started local, TestProbe client, long userId, params PlayerInfo[] players)
    {
        local.Actor.Tell(new LocalRoom.Added(userId, players, ServerFrames.Joined(Room, players, null)), local.RoomActor.Ref);
        client.ExpectMsg<ClientActor.JoinedRoom>();
    }

    /// <summary>A member here, alone in the room when it joined.</summary>
    private TestProbe Member(Started local, long userId, string name)
    {
        var client = Join(local, userId, name);
        Add(local, client, userId, new PlayerInfo(userId, name));
        return client;
    }

    /// <summary>The LocalRoom's answer to a starting room (by default the current one, which changes nothing).</summary>
    private static RoomActor.MembersHere FindMembers(Started local, TestProbe? asker = null)
    {
        asker ??= local.RoomActor;
        local.Actor.Tell(new RoomDirectory.FindMembers(Room), asker.Ref);
        return asker.ExpectMsg<RoomActor.MembersHere>();
    }

    /// <summary>
    /// The LocalRoom has not reported itself empty: once it has answered a question, whatever it
    /// told its parent before is in the proxy's mailbox, ahead of the sentinel told to it now.
    /// </summary>
    private static void ExpectNotEmptyYet(Started local)
    {
        FindMembers(local);
        local.Directory.Tell(new ParentProxy.Sentinel("directory"));
        Assert.Equal(new ParentProxy.Sentinel("directory"), local.Parent.ExpectMsg<object>());
    }

    /// <summary>
    /// A sentinel through the LocalRoom: a JOIN goes to the region at once, so if it is the next
    /// thing the region hears, the LocalRoom sent nothing else before it. (Its client is left
    /// joining, and watched; the tests end here.)
    /// </summary>
    private void ExpectNothingMoreAtTheRegion(Started local)
    {
        local.Actor.Tell(new RoomDirectory.Join(Room, new PlayerInfo(99, "Sentinel"), CreateTestProbe().Ref, null));
        Assert.Equal(99, local.Region.ExpectMsg<RoomActor.Join>().Player.UserId);
    }

    private static RawJson Raw(string json) => new(Encoding.UTF8.GetBytes(json));
}
