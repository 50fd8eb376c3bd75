using System.Text;
using ActorGameServer.Protocol;
using ActorGameServer.Server.Actors;
using ActorGameServer.Server.Rooms;
using Akka.Actor;
using Akka.TestKit;
using Xunit.Abstractions;

namespace ActorGameServer.Server.Tests.Rooms;

/// <summary>One <see cref="RoomActor"/>, with probes standing in for its members' client actors and for the directory.</summary>
public sealed class RoomActorTests(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit(output: output)
{
    private const string Room = "lobby";

    [Fact]
    public void A_joiner_gets_every_member_sorted_by_user_id_and_only_the_others_are_told()
    {
        var (room, directory) = Start();
        var bo = Join(room, 5, "Bo");
        var cy = Join(room, 2, "Cy");
        bo.NextFrame("PRESENCE");

        var ada = CreateTestProbe();
        room.Tell(new RoomDirectory.Join(Room, new PlayerInfo(9, "Ada"), ada.Ref, Id("12")), ada.Ref);

        var joined = ada.ExpectMsg<ClientActor.JoinedRoom>();
        Assert.Equal(Room, joined.Room);
        Assert.Equal(room, joined.RoomActor);
        var frame = RoomFrames.Decode(joined.Frame);
        Assert.Equal("JOINED", (string?)frame["cmd"]);
        Assert.Equal(Room, (string?)frame["message"]!["room"]);
        Assert.Equal(12, (int)frame["id"]!);
        Assert.Equal([(2L, "Cy"), (5L, "Bo"), (9L, "Ada")], RoomFrames.Members(frame));
        foreach (var other in new[] { bo, cy })
        {
            var presence = other.NextFrame("PRESENCE");
            Assert.Equal(Room, (string?)presence["message"]!["room"]);
            Assert.Equal(9, (long)presence["message"]!["joined"]!["user_id"]!);
            Assert.Equal("Ada", (string?)presence["message"]!["joined"]!["name"]);
            Assert.Null(presence["id"]); // A push, not a reply.
            ExpectNothingMoreFromTheRoom(room, other); // Told once.
        }

        ExpectNothingMoreFromTheRoom(room, ada); // The joiner learns about itself from JOINED, not from a PRESENCE.
        Assert.Equal([1, 2, 3], [.. Enumerable.Range(0, 3).Select(_ => directory.ExpectMsg<RoomDirectory.MemberCount>().Count)]);
    }

    [Fact]
    public void Joining_again_is_refused_already_in_room_and_changes_nothing()
    {
        var (room, _) = Start();
        var ada = Join(room, 1, "Ada");
        var bo = Join(room, 2, "Bo");
        ada.NextFrame("PRESENCE");

        room.Tell(new RoomDirectory.Join(Room, new PlayerInfo(2, "Bo"), bo.Ref, Id("\"again\"")), bo.Ref);

        var refused = bo.Probe.ExpectMsg<ClientActor.JoinRefused>();
        Assert.Equal(Room, refused.Room);
        var error = RoomFrames.Decode(refused.Frame);
        Assert.Equal("already_in_room", (string?)error["message"]!["code"]);
        Assert.Equal("again", (string?)error["id"]);
        // No PRESENCE for Ada before the WHO she asks for, which still lists Bo once.
        Assert.Equal([(1L, "Ada"), (2L, "Bo")], RoomFrames.Members(Who(room, ada)));
    }

    [Fact]
    public void A_full_room_refuses_room_full_and_stays_usable()
    {
        var (room, _) = Start(maxMembers: 2);
        var ada = Join(room, 1, "Ada");
        var bo = Join(room, 2, "Bo");
        ada.NextFrame("PRESENCE");

        var cy = CreateTestProbe();
        room.Tell(new RoomDirectory.Join(Room, new PlayerInfo(3, "Cy"), cy.Ref, Id("4")), cy.Ref);

        var error = RoomFrames.Decode(cy.ExpectMsg<ClientActor.JoinRefused>().Frame);
        Assert.Equal("room_full", (string?)error["message"]!["code"]);
        Assert.Equal(4, (int)error["id"]!);
        // No PRESENCE for someone who did not get in: the next thing Ada hears is her WHO, without Cy.
        Assert.Equal([(1L, "Ada"), (2L, "Bo")], RoomFrames.Members(Who(room, ada)));

        room.Tell(new RoomActor.Relay(1, Raw("\"still here\""), null), ada.Ref);
        Assert.Equal("still here", (string?)bo.NextFrame("RELAY")["message"]!["data"]);
        ExpectNothingMoreFromTheRoom(room, cy); // The refused player is not a member: no RELAY.

        room.Tell(new RoomActor.Leave(2, null), bo.Ref);
        bo.NextFrame("LEFT");
        ada.NextFrame("PRESENCE");
        room.Tell(new RoomDirectory.Join(Room, new PlayerInfo(3, "Cy"), cy.Ref, null), cy.Ref);
        Assert.Equal([(1L, "Ada"), (3L, "Cy")], RoomFrames.Members(RoomFrames.Decode(cy.ExpectMsg<ClientActor.JoinedRoom>().Frame)));
    }

    [Fact]
    public void A_relay_reaches_every_other_member_once_as_the_same_bytes_from_the_server_side_user_id()
    {
        var (room, _) = Start();
        var ada = Join(room, 1, "Ada");
        var others = new[] { Join(room, 2, "Bo"), Join(room, 3, "Cy"), Join(room, 4, "Di") };
        DrainPresence(ada, 3);
        DrainPresence(others[0], 2);
        DrainPresence(others[1], 1);
        const string data = """{"x":10,"y":4.50,"from":99,"big":9007199254740993}""";

        room.Tell(new RoomActor.Relay(1, Raw(data), Id("3")), ada.Ref);

        var sent = others.Select(o => o.Probe.ExpectMsg<ClientActor.Relayed>()).ToList();
        foreach (var relayed in sent)
        {
            Assert.Same(sent[0], relayed); // One message for everyone, the frame encoded once.
        }

        var frame = Assert.Single(sent[0].Frames);
        Assert.Equal(1, frame.From); // So Ada's ClientActor skips it.
        var relay = RoomFrames.Decode(frame.Frame);
        Assert.Equal("RELAY", (string?)relay["cmd"]);
        Assert.Equal(Room, (string?)relay["message"]!["room"]);
        Assert.Equal(1, (long)relay["message"]!["from"]!); // Not the 99 the client put in data.
        Assert.Null(relay["id"]); // A push: the sender's id is not passed on.
        Assert.Contains("\"data\":" + data, frame.Frame.ToString()); // Byte for byte.
        foreach (var other in others)
        {
            ExpectNothingMoreFromTheRoom(room, other); // Once each.
        }

        ExpectNothingMoreFromTheRoom(room, ada); // The sender does not get its own relay back.
    }

    [Fact]
    public void Relays_from_one_member_arrive_in_the_order_sent()
    {
        var (room, _) = Start();
        var ada = Join(room, 1, "Ada");
        var bo = Join(room, 2, "Bo");
        var cy = Join(room, 3, "Cy");
        DrainPresence(ada, 2);
        DrainPresence(bo, 1);

        for (var i = 0; i < 200; i++)
        {
            room.Tell(new RoomActor.Relay(1, Raw(i.ToString(System.Globalization.CultureInfo.InvariantCulture)), null), ada.Ref);
        }

        foreach (var other in new[] { bo, cy })
        {
            var received = Enumerable.Range(0, 200).Select(_ => (int)other.NextFrame("RELAY")["message"]!["data"]!).ToList();
            Assert.Equal(Enumerable.Range(0, 200), received);
        }
    }

    [Fact]
    public void In_a_busy_room_relays_go_out_together_once_per_flush_interval_in_order()
    {
        var (room, _) = Start(flushInterval: TimeSpan.FromSeconds(1));
        var ada = Join(room, 1, "Ada");
        var bo = Join(room, 2, "Bo");
        ada.NextFrame("PRESENCE");

        room.Tell(new RoomActor.Relay(1, Raw("0"), null), ada.Ref);
        Assert.Equal(["0"], Data(bo.Probe.ExpectMsg<ClientActor.Relayed>())); // The room was quiet: at once.
        for (var i = 1; i < 6; i++)
        {
            room.Tell(new RoomActor.Relay(1, Raw(i.ToString(System.Globalization.CultureInfo.InvariantCulture)), null), ada.Ref);
        }

        // These arrived within the interval after that batch: they wait for it to pass, then go
        // out as one message (one write for each member).
        Assert.Equal(["1", "2", "3", "4", "5"], Data(bo.Probe.ExpectMsg<ClientActor.Relayed>()));
    }

    [Fact]
    public void Presence_does_not_wait_for_the_flush_interval_and_follows_the_relays_held_before_it()
    {
        var (room, _) = Start(flushInterval: TimeSpan.FromSeconds(1));
        var ada = Join(room, 1, "Ada");
        var bo = Join(room, 2, "Bo");
        ada.NextFrame("PRESENCE");
        room.Tell(new RoomActor.Relay(1, Raw("\"first\""), null), ada.Ref);
        Assert.Equal("first", (string?)bo.NextFrame("RELAY")["message"]!["data"]);

        room.Tell(new RoomActor.Relay(1, Raw("\"held\""), null), ada.Ref);
        Join(room, 3, "Cy");

        // Well within the interval: the JOIN sends what the room held, then the PRESENCE.
        Assert.Equal("held", (string?)bo.NextFrame("RELAY")["message"]!["data"]);
        Assert.Equal(3, (long)bo.NextFrame("PRESENCE")["message"]!["joined"]!["user_id"]!);
    }

    [Fact]
    public void A_relay_from_a_non_member_is_answered_not_in_room_and_reaches_nobody()
    {
        var (room, _) = Start();
        var ada = Join(room, 1, "Ada");
        var stranger = CreateTestProbe();

        room.Tell(new RoomActor.Relay(7, Raw("{}"), Id("\"r1\"")), stranger.Ref);

        var error = stranger.NextError("not_in_room");
        Assert.Contains(Room, (string?)error["message"]!["detail"]);
        Assert.Equal("r1", (string?)error["id"]);
        ExpectNothingMoreFromTheRoom(room, ada);
    }

    [Fact]
    public void Leave_answers_left_with_the_id_tells_the_others_and_ends_the_relays()
    {
        var (room, directory) = Start();
        var ada = Join(room, 1, "Ada");
        var bo = Join(room, 2, "Bo");
        var cy = Join(room, 3, "Cy");
        DrainPresence(ada, 2);
        DrainPresence(bo, 1);
        directory.ReceiveN(3);

        room.Tell(new RoomActor.Leave(2, Id("{\"n\":1}")), bo.Ref);

        var left = bo.NextFrame("LEFT");
        Assert.Equal(Room, (string?)left["message"]!["room"]);
        Assert.Equal(1, (int)left["id"]!["n"]!);
        foreach (var other in new[] { ada, cy })
        {
            var presence = other.NextFrame("PRESENCE");
            Assert.Equal(Room, (string?)presence["message"]!["room"]);
            Assert.Equal(2, (long)presence["message"]!["left"]!["user_id"]!);
            Assert.Null(presence["message"]!["joined"]);
        }

        Assert.Equal(2, directory.ExpectMsg<RoomDirectory.MemberCount>().Count);

        room.Tell(new RoomActor.Relay(1, Raw("\"after\""), null), ada.Ref);
        Assert.Equal("after", (string?)cy.NextFrame("RELAY")["message"]!["data"]);
        // Bo, gone, hears no relay: the next thing he hears is the WHO he asks for, without him.
        Assert.Equal([(1L, "Ada"), (3L, "Cy")], RoomFrames.Members(Who(room, bo)));
    }

    [Fact]
    public void Leave_from_a_non_member_is_answered_not_in_room_with_the_id()
    {
        var (room, _) = Start();
        var ada = Join(room, 1, "Ada");
        var stranger = CreateTestProbe();

        room.Tell(new RoomActor.Leave(7, Id("\"bye\"")), stranger.Ref);

        Assert.Equal("bye", (string?)stranger.NextError("not_in_room")["id"]);
        Assert.Equal([(1L, "Ada")], RoomFrames.Members(Who(room, ada))); // Ada heard no PRESENCE left before it.
    }

    [Fact]
    public void A_member_whose_actor_stops_leaves_with_the_same_presence_as_leave()
    {
        var (room, directory) = Start();
        var ada = Join(room, 1, "Ada");
        var bo = Join(room, 2, "Bo");
        ada.NextFrame("PRESENCE");
        directory.ReceiveN(2);
        Watch(bo.Ref);

        Sys.Stop(bo.Ref); // The player disconnected: its client actor stops without sending LEAVE.
        ExpectTerminated(bo.Ref);

        var presence = ada.NextFrame("PRESENCE");
        Assert.Equal(2, (long)presence["message"]!["left"]!["user_id"]!);
        Assert.Equal(1, directory.ExpectMsg<RoomDirectory.MemberCount>().Count);
        Assert.Equal([(1L, "Ada")], RoomFrames.Members(Who(room, ada)));

        Watch(ada.Ref);
        Sys.Stop(ada.Ref);
        ExpectTerminated(ada.Ref);
        Assert.Equal(0, directory.ExpectMsg<RoomDirectory.MemberCount>().Count);
        Assert.Equal(new RoomDirectory.Empty(Room, 2), directory.ExpectMsg<RoomDirectory.Empty>());
    }

    [Fact]
    public void The_directory_hears_every_member_count_and_empty_with_all_joins_seen_refused_ones_included()
    {
        var (room, directory) = Start(maxMembers: 2);
        var ada = Join(room, 1, "Ada");
        var bo = Join(room, 2, "Bo");
        var cy = CreateTestProbe();
        room.Tell(new RoomDirectory.Join(Room, new PlayerInfo(3, "Cy"), cy.Ref, null), cy.Ref); // room_full
        cy.ExpectMsg<ClientActor.JoinRefused>();
        room.Tell(new RoomDirectory.Join(Room, new PlayerInfo(1, "Ada"), ada.Ref, null), ada.Ref); // already_in_room

        room.Tell(new RoomActor.Leave(1, null), ada.Ref);
        room.Tell(new RoomActor.Leave(2, null), bo.Ref);

        Assert.Equal([1, 2, 1, 0], [.. Enumerable.Range(0, 4).Select(_ => directory.ExpectMsg<RoomDirectory.MemberCount>().Count)]);
        Assert.Equal(new RoomDirectory.Empty(Room, 4), directory.ExpectMsg<RoomDirectory.Empty>());

        // Nothing more: the next thing the directory hears is the count for the next join.
        Join(room, 4, "Di");
        Assert.Equal(1, directory.ExpectMsg<RoomDirectory.MemberCount>().Count);
    }

    [Fact]
    public void Who_lists_the_members_sorted_with_the_id_to_anyone_who_asks()
    {
        var (room, _) = Start();
        Join(room, 8, "Hal");
        Join(room, 3, "Cy");
        var stranger = CreateTestProbe();

        room.Tell(new RoomActor.Who(Id("21")), stranger.Ref);

        var who = stranger.NextFrame("WHO");
        Assert.Equal(Room, (string?)who["message"]!["room"]);
        Assert.Equal(21, (int)who["id"]!);
        Assert.Equal([(3L, "Cy"), (8L, "Hal")], RoomFrames.Members(who));
    }

    /// <summary>A room; with no <paramref name="flushInterval"/>, relays go out as soon as the room has handled what arrived with them.</summary>
    private (IActorRef Room, TestProbe Directory) Start(int maxMembers = 16, TimeSpan flushInterval = default)
    {
        var directory = CreateTestProbe();
        var room = Sys.ActorOf(RoomActor.Props(Room, new RoomSettings(maxMembers, MaxRoomsPerClient: 8, MaxRooms: 100, flushInterval), directory.Ref));
        return (room, directory);
    }

    /// <summary>A new member, whose JOIN was accepted.</summary>
    private MemberProbe Join(IActorRef room, long userId, string name)
    {
        var client = CreateTestProbe();
        room.Tell(new RoomDirectory.Join(Room, new PlayerInfo(userId, name), client.Ref, null), client.Ref);
        client.ExpectMsg<ClientActor.JoinedRoom>();
        return new MemberProbe(client, userId);
    }

    private static void DrainPresence(MemberProbe client, int count)
    {
        for (var i = 0; i < count; i++)
        {
            client.NextFrame("PRESENCE");
        }
    }

    /// <summary>Asks the room WHO as <paramref name="asker"/>; the reply must be the next thing the asker hears.</summary>
    private static Newtonsoft.Json.Linq.JObject Who(IActorRef room, MemberProbe asker)
    {
        room.Tell(new RoomActor.Who(null), asker.Ref);
        return asker.NextFrame("WHO");
    }

    /// <summary>
    /// A sentinel through the room: everything the room sends a probe comes from the room alone,
    /// in order, so if the WHO reply is the next thing the probe hears, the room sent it nothing
    /// else while handling what it was told before.
    /// </summary>
    private static void ExpectNothingMoreFromTheRoom(IActorRef room, MemberProbe client) => Who(room, client);

    private static void ExpectNothingMoreFromTheRoom(IActorRef room, TestProbe stranger)
    {
        room.Tell(new RoomActor.Who(null), stranger.Ref);
        stranger.NextFrame("WHO");
    }

    private static string[] Data(ClientActor.Relayed relayed) =>
        [.. relayed.Frames.Select(f => RoomFrames.Decode(f.Frame)["message"]!["data"]!.ToString())];

    private static RawJson Raw(string json) => new(Encoding.UTF8.GetBytes(json));

    private static RawJson Id(string json) => Raw(json);
}
