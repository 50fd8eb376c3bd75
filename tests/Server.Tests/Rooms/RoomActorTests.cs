using System.Globalization;
using System.Text;
using ActorGameServer.Protocol;
using ActorGameServer.Server.Actors;
using ActorGameServer.Server.Rooms;
using ActorGameServer.Server.Tests.Support;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.TestKit;
using Newtonsoft.Json.Linq;
using Xunit.Abstractions;

namespace ActorGameServer.Server.Tests.Rooms;

/// <summary>
/// One <see cref="RoomActor"/> as its shard holds it (its parent, a <see cref="ParentProxy"/>,
/// shows what it asks the shard), with probes standing in for each node's directory and
/// LocalRoom and for the players' ClientActors. Every message is serialized on its way, as if it
/// crossed nodes (<see cref="SerializeMessages"/>).
/// </summary>
public sealed class RoomActorTests(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit(SerializeMessages.Config, output: output)
{
    private const string Room = "lobby";

    [Fact]
    public void A_join_sent_before_every_node_has_said_who_of_theirs_is_in_the_room_is_handled_after()
    {
        var room = Create(nodes: 2);
        var ada = CreateTestProbe();
        var bo = CreateTestProbe();

        // The JOIN the room started for, then the nodes' answers: Bo is in the room on node B.
        room.Actor.Tell(new RoomActor.Join(Room, new PlayerInfo(1, "Ada"), ada.Ref, Raw("7")), room.A.LocalRoom.Ref);
        Answer(room, room.B, [new LocalRoom.Member(new PlayerInfo(2, "Bo"), bo.Ref)], [new PlayerInfo(2, "Bo")]);
        AnswerNobody(room.A);

        var added = room.A.LocalRoom.ExpectMsg<LocalRoom.Added>();
        var joined = Frame(added.Reply, "JOINED");
        Assert.Equal(7, (int)joined["id"]!);
        Assert.Equal([(1L, "Ada"), (2L, "Bo")], RoomFrames.Members(joined));
        Assert.Equal(1, room.B.LocalRoom.ExpectMsg<LocalRoom.PresenceJoined>().Player.UserId);
        ExpectNothingMoreFromTheRoom(room, room.B.LocalRoom); // Bo was not announced: he never left.
    }

    [Fact]
    public void Members_the_nodes_report_are_in_the_room_without_joining_and_those_only_known_are_announced_as_left()
    {
        var room = Create(nodes: 2);
        var ada = CreateTestProbe();
        var cy = CreateTestProbe();
        var asker = CreateTestProbe();
        room.Actor.Tell(new RoomActor.Who(Room, null), asker.Ref); // Whatever the room started for.

        // Bo was on a node that died: the survivors knew him, none reports him.
        Answer(room, room.A, [new LocalRoom.Member(new PlayerInfo(1, "Ada"), ada.Ref)], [new PlayerInfo(1, "Ada"), new PlayerInfo(2, "Bo"), new PlayerInfo(3, "Cy")]);
        Answer(room, room.B, [new LocalRoom.Member(new PlayerInfo(3, "Cy"), cy.Ref)], [new PlayerInfo(1, "Ada"), new PlayerInfo(3, "Cy")]);

        foreach (var node in room.Nodes)
        {
            var left = node.LocalRoom.ExpectMsg<LocalRoom.PresenceLeft>();
            Assert.Equal(2, left.UserId);
            Assert.Equal(2, (long)Frame(left.Frame, "PRESENCE")["message"]!["left"]!["user_id"]!);
        }

        Assert.Equal([(1L, "Ada"), (3L, "Cy")], RoomFrames.Members(asker.NextFrame("WHO")));
        room.Actor.Tell(new RoomActor.Relay(Room, 1, Raw("\"hi\""), null), ada.Ref);
        foreach (var node in room.Nodes)
        {
            Assert.Equal([(1L, "\"hi\"")], Relayed(node.LocalRoom));
        }

        Assert.Equal(2, room.Counts.ExpectMsg<RoomDirectory.MemberCount>().Count);
    }

    [Fact]
    public void A_node_that_does_not_answer_in_time_is_not_waited_for_and_its_late_answer_brings_its_members_in()
    {
        var room = Create(nodes: 2, startTimeout: TimeSpan.FromMilliseconds(200));
        var ada = CreateTestProbe();
        room.Actor.Tell(new RoomActor.Join(Room, new PlayerInfo(1, "Ada"), ada.Ref, null), room.A.LocalRoom.Ref);
        AnswerNobody(room.A);
        room.B.Directory.ExpectMsg<RoomDirectory.FindMembers>(); // Asked; says nothing for now.

        Assert.Equal([new PlayerInfo(1, "Ada")], room.A.LocalRoom.ExpectMsg<LocalRoom.Added>().Players);

        var cy = CreateTestProbe();
        room.B.Directory.LastSender.Tell(
            new RoomActor.MembersHere(Room, [new LocalRoom.Member(new PlayerInfo(3, "Cy"), cy.Ref)], [new PlayerInfo(3, "Cy")]),
            room.B.LocalRoom.Ref);

        var presence = room.A.LocalRoom.ExpectMsg<LocalRoom.PresenceJoined>();
        Assert.Equal(new PlayerInfo(3, "Cy"), presence.Player);
        var joined = Frame(presence.Frame, "PRESENCE")["message"]!["joined"]!;
        Assert.Equal((3L, "Cy"), ((long)joined["user_id"]!, (string)joined["name"]!));
        room.Actor.Tell(new RoomActor.Relay(Room, 3, Raw("1"), null), cy.Ref);
        Assert.Equal([(3L, "1")], Relayed(room.A.LocalRoom));
        Assert.Equal([(3L, "1")], Relayed(room.B.LocalRoom));
        Assert.Equal([0, 1, 2], Counts(room, 3));
    }

    [Fact]
    public void A_joiner_gets_every_member_sorted_by_user_id_and_each_node_with_members_hears_of_it_once()
    {
        var room = Start(nodes: 2, first: new PlayerInfo(5, "Bo"));
        Join(room, room.A, 2, "Cy");
        Join(room, room.B, 7, "Di");
        var ada = CreateTestProbe();

        room.Actor.Tell(new RoomActor.Join(Room, new PlayerInfo(9, "Ada"), ada.Ref, Raw("12")), room.A.LocalRoom.Ref);

        // Node A has two members and is told once; then the joiner's answer.
        var presence = room.A.LocalRoom.ExpectMsg<LocalRoom.PresenceJoined>();
        Assert.Equal(new PlayerInfo(9, "Ada"), presence.Player);
        var added = room.A.LocalRoom.ExpectMsg<LocalRoom.Added>();
        Assert.Equal(9, added.UserId);
        Assert.Equal([2L, 5L, 7L, 9L], added.Players.Select(p => p.UserId));
        var joined = Frame(added.Reply, "JOINED");
        Assert.Equal(Room, (string?)joined["message"]!["room"]);
        Assert.Equal(12, (int)joined["id"]!);
        Assert.Equal([(2L, "Cy"), (5L, "Bo"), (7L, "Di"), (9L, "Ada")], RoomFrames.Members(joined));
        Assert.Equal(new PlayerInfo(9, "Ada"), room.B.LocalRoom.ExpectMsg<LocalRoom.PresenceJoined>().Player);
        var frame = Frame(presence.Frame, "PRESENCE");
        Assert.Equal(Room, (string?)frame["message"]!["room"]);
        Assert.Equal((9L, "Ada"), ((long)frame["message"]!["joined"]!["user_id"]!, (string)frame["message"]!["joined"]!["name"]!));
        Assert.Null(frame["id"]); // A push, not a reply.
        foreach (var node in room.Nodes)
        {
            ExpectNothingMoreFromTheRoom(room, node.LocalRoom); // Once per node, not once per member.
        }

        ExpectNothingMoreFromTheRoom(room, ada); // The joiner's client hears from its LocalRoom, never from the room.
    }

    [Fact]
    public void The_directory_hears_the_new_member_count_before_the_joiner_hears_joined()
    {
        // The directory and the joiner's LocalRoom are one probe here, so it sees the order the
        // room sent them in: a ROOMS sent on JOINED must count the new member.
        var localRoom = CreateTestProbe();
        var directory = CreateTestProbe();
        var (_, room) = ParentProxies.Start(Sys, RoomActor.Props(Room, Settings(), localRoom.Ref, () => [directory.Ref]), CreateTestProbe().Ref);
        room.Tell(new RoomActor.Join(Room, new PlayerInfo(1, "Ada"), CreateTestProbe().Ref, null), localRoom.Ref);
        directory.ExpectMsg<RoomDirectory.FindMembers>();
        directory.Reply(new RoomActor.MembersHere(Room, [], []));

        Assert.Equal(0, localRoom.ExpectMsg<RoomDirectory.MemberCount>().Count); // Started, before the JOIN it waited with.
        Assert.Equal(1, localRoom.ExpectMsg<RoomDirectory.MemberCount>().Count);
        localRoom.ExpectMsg<LocalRoom.Added>();
    }

    [Fact]
    public void Joining_again_is_refused_already_in_room_with_the_id_and_changes_nothing()
    {
        var room = Start(nodes: 2);
        var bo = Join(room, room.B, 2, "Bo");

        room.Actor.Tell(new RoomActor.Join(Room, new PlayerInfo(2, "Bo"), bo.Client.Ref, Raw("\"again\"")), room.B.LocalRoom.Ref);

        var refused = room.B.LocalRoom.ExpectMsg<LocalRoom.Refused>();
        Assert.Equal(2, refused.UserId);
        var error = Frame(refused.Reply, "ERROR");
        Assert.Equal("already_in_room", (string?)error["message"]!["code"]);
        Assert.Equal("again", (string?)error["id"]);
        // No PRESENCE on node A before the WHO it asks for, which still lists Bo once.
        Assert.Equal([(1L, "Ada"), (2L, "Bo")], RoomFrames.Members(ExpectNothingMoreFromTheRoom(room, room.A.LocalRoom)));
    }

    [Fact]
    public void A_full_room_refuses_room_full_with_the_id_and_stays_usable()
    {
        var room = Start(nodes: 2, maxMembers: 2);
        var bo = Join(room, room.B, 2, "Bo");
        var cy = CreateTestProbe();

        room.Actor.Tell(new RoomActor.Join(Room, new PlayerInfo(3, "Cy"), cy.Ref, Raw("4")), room.B.LocalRoom.Ref);

        var error = Frame(room.B.LocalRoom.ExpectMsg<LocalRoom.Refused>().Reply, "ERROR");
        Assert.Equal("room_full", (string?)error["message"]!["code"]);
        Assert.Equal(4, (int)error["id"]!);
        // No PRESENCE for someone who did not get in: the next thing node A hears is its WHO, without Cy.
        Assert.Equal([(1L, "Ada"), (2L, "Bo")], RoomFrames.Members(ExpectNothingMoreFromTheRoom(room, room.A.LocalRoom)));

        room.Actor.Tell(new RoomActor.Relay(Room, 1, Raw("\"still here\""), null), room.First.Client.Ref);
        foreach (var node in room.Nodes)
        {
            Assert.Equal([(1L, "\"still here\"")], Relayed(node.LocalRoom));
        }

        room.Actor.Tell(new RoomActor.Leave(Room, 2, null, Reply: true), bo.Client.Ref);
        room.B.LocalRoom.ExpectMsg<LocalRoom.Removed>();
        room.A.LocalRoom.ExpectMsg<LocalRoom.PresenceLeft>();
        bo.Node.Members--;
        Join(room, room.B, 3, "Cy");
        Assert.Equal([(1L, "Ada"), (3L, "Cy")], RoomFrames.Members(ExpectNothingMoreFromTheRoom(room, room.A.LocalRoom)));
    }

    [Fact]
    public void Relays_from_one_member_arrive_in_the_order_sent()
    {
        var room = Start(nodes: 2);
        Join(room, room.B, 2, "Bo");

        for (var i = 0; i < 200; i++)
        {
            room.Actor.Tell(new RoomActor.Relay(Room, 1, Raw(i.ToString(CultureInfo.InvariantCulture)), null), room.First.Client.Ref);
        }

        var received = new List<string>();
        while (received.Count < 200)
        {
            received.AddRange(Relayed(room.B.LocalRoom).Select(r => r.Data));
        }

        Assert.Equal(Enumerable.Range(0, 200).Select(i => i.ToString(CultureInfo.InvariantCulture)), received);
    }

    [Fact]
    public void In_a_busy_room_relays_go_out_together_once_per_flush_interval_in_order_one_message_per_node()
    {
        var room = Start(nodes: 2, flushInterval: TimeSpan.FromSeconds(1));
        var bo = Join(room, room.A, 2, "Bo");
        Join(room, room.B, 3, "Cy");

        room.Actor.Tell(new RoomActor.Relay(Room, 1, Raw("0"), null), room.First.Client.Ref);
        foreach (var node in room.Nodes)
        {
            Assert.Equal([(1L, "0")], Relayed(node.LocalRoom)); // The room was quiet: at once.
        }

        for (var i = 1; i < 6; i++)
        {
            var from = i % 2 == 1 ? room.First : bo;
            room.Actor.Tell(new RoomActor.Relay(Room, from.UserId, Raw(i.ToString(CultureInfo.InvariantCulture)), null), from.Client.Ref);
        }

        // These arrived within the interval after that batch: they wait for it to pass, then go
        // out as one message to each node, whose members write them in one write each.
        foreach (var node in room.Nodes)
        {
            Assert.Equal([(1L, "1"), (2L, "2"), (1L, "3"), (2L, "4"), (1L, "5")], Relayed(node.LocalRoom));
            ExpectNothingMoreFromTheRoom(room, node.LocalRoom);
        }
    }

    [Fact]
    public void A_relay_goes_out_as_the_server_side_sender_and_the_data_byte_for_byte_without_the_id()
    {
        var room = Start(nodes: 2);
        Join(room, room.B, 2, "Bo");
        const string data = """{"x":10,"y":4.50,"from":99,"big":9007199254740993}""";

        room.Actor.Tell(new RoomActor.Relay(Room, 1, Raw(data), Raw("3")), room.First.Client.Ref);

        var frame = Assert.Single(room.B.LocalRoom.ExpectMsg<ClientActor.Relayed>().Frames);
        Assert.Equal(1, frame.From); // So Ada's own ClientActor skips it.
        var relay = Frame(frame.Frame, "RELAY");
        Assert.Equal(Room, (string?)relay["message"]!["room"]);
        Assert.Equal(1, (long)relay["message"]!["from"]!); // Not the 99 the client put in data.
        Assert.Null(relay["id"]); // A push: the sender's id is not passed on.
        Assert.Contains("\"data\":" + data, frame.Frame.ToString());
    }

    [Fact]
    public void Presence_does_not_wait_for_the_flush_interval_and_follows_the_relays_held_before_it()
    {
        var room = Start(nodes: 2, flushInterval: TimeSpan.FromSeconds(1));
        Join(room, room.B, 2, "Bo");
        room.Actor.Tell(new RoomActor.Relay(Room, 1, Raw("\"first\""), null), room.First.Client.Ref);
        Assert.Equal([(1L, "\"first\"")], Relayed(room.B.LocalRoom));

        room.Actor.Tell(new RoomActor.Relay(Room, 1, Raw("\"held\""), null), room.First.Client.Ref);
        room.Actor.Tell(new RoomActor.Join(Room, new PlayerInfo(3, "Cy"), CreateTestProbe().Ref, null), room.A.LocalRoom.Ref);

        // Well within the interval: the JOIN sends what the room held, then the PRESENCE.
        Assert.Equal([(1L, "\"held\"")], Relayed(room.B.LocalRoom));
        Assert.Equal(3, room.B.LocalRoom.ExpectMsg<LocalRoom.PresenceJoined>().Player.UserId);
    }

    [Fact]
    public void A_reply_does_not_wait_for_the_flush_interval_and_follows_the_relays_held_before_it()
    {
        var room = Start(flushInterval: TimeSpan.FromSeconds(1));
        var bo = Join(room, room.A, 2, "Bo");
        room.Actor.Tell(new RoomActor.Relay(Room, 1, Raw("\"first\""), null), room.First.Client.Ref);
        Assert.Equal([(1L, "\"first\"")], Relayed(room.A.LocalRoom));

        room.Actor.Tell(new RoomActor.Relay(Room, 1, Raw("\"held\""), null), room.First.Client.Ref);
        room.Actor.Tell(new RoomActor.Leave(Room, 2, Raw("5"), Reply: true), bo.Client.Ref);

        // Bo's LEFT comes after the relay he was still a member for.
        Assert.Equal([(1L, "\"held\"")], Relayed(room.A.LocalRoom));
        Assert.Equal(2, room.A.LocalRoom.ExpectMsg<LocalRoom.Removed>().UserId);
    }

    [Fact]
    public void Leave_is_answered_left_through_the_members_node_and_the_others_hear_presence_left()
    {
        var room = Start(nodes: 2);
        var bo = Join(room, room.A, 2, "Bo");
        Join(room, room.B, 3, "Cy");

        room.Actor.Tell(new RoomActor.Leave(Room, 2, Raw("{\"n\":1}"), Reply: true), bo.Client.Ref);

        // First the leaver's own answer, so its LocalRoom no longer counts it when the PRESENCE comes.
        var removed = room.A.LocalRoom.ExpectMsg<LocalRoom.Removed>();
        Assert.Equal(2, removed.UserId);
        var left = Frame(Assert.IsType<EncodedFrame>(removed.Reply), "LEFT");
        Assert.Equal(Room, (string?)left["message"]!["room"]);
        Assert.Equal(1, (int)left["id"]!["n"]!);
        foreach (var node in room.Nodes)
        {
            var presence = node.LocalRoom.ExpectMsg<LocalRoom.PresenceLeft>();
            Assert.Equal(2, presence.UserId);
            var message = Frame(presence.Frame, "PRESENCE")["message"]!;
            Assert.Equal(2, (long)message["left"]!["user_id"]!);
            Assert.Null(message["joined"]);
        }

        Assert.Equal([0, 1, 2, 3, 2], Counts(room, 5));
        room.Actor.Tell(new RoomActor.Relay(Room, 1, Raw("\"after\""), null), room.First.Client.Ref);
        Assert.Equal([(1L, "\"after\"")], Relayed(room.B.LocalRoom));
        Assert.Equal([(1L, "Ada"), (3L, "Cy")], RoomFrames.Members(ExpectNothingMoreFromTheRoom(room, bo.Client)));
        ExpectNoPassivation(room);
    }

    [Fact]
    public void A_member_whose_connection_ended_leaves_without_a_reply_and_the_others_hear_presence_left()
    {
        var room = Start(nodes: 2);
        var bo = Join(room, room.A, 2, "Bo");
        Join(room, room.B, 3, "Cy");

        room.Actor.Tell(new RoomActor.Leave(Room, 2, null, Reply: false), room.A.LocalRoom.Ref);

        var removed = room.A.LocalRoom.ExpectMsg<LocalRoom.Removed>();
        Assert.Equal(2, removed.UserId);
        Assert.Null(removed.Reply);
        Assert.Equal(2, room.A.LocalRoom.ExpectMsg<LocalRoom.PresenceLeft>().UserId);
        Assert.Equal(2, room.B.LocalRoom.ExpectMsg<LocalRoom.PresenceLeft>().UserId);
        ExpectNothingMoreFromTheRoom(room, bo.Client);

        // The same again, its member already gone: nobody hears of it.
        room.Actor.Tell(new RoomActor.Leave(Room, 2, null, Reply: false), room.A.LocalRoom.Ref);
        Assert.Equal([(1L, "Ada"), (3L, "Cy")], RoomFrames.Members(ExpectNothingMoreFromTheRoom(room, room.A.LocalRoom)));
        ExpectNothingMoreFromTheRoom(room, room.B.LocalRoom);
    }

    [Fact]
    public void A_relay_from_a_non_member_is_answered_not_in_room_with_its_id_and_reaches_nobody()
    {
        var room = Start();
        var stranger = CreateTestProbe();

        room.Actor.Tell(new RoomActor.Relay(Room, 7, Raw("{}"), Raw("\"r1\"")), stranger.Ref);

        var error = stranger.NextError("not_in_room");
        Assert.Contains(Room, (string?)error["message"]!["detail"]);
        Assert.Equal("r1", (string?)error["id"]);
        ExpectNothingMoreFromTheRoom(room, room.A.LocalRoom);
    }

    [Fact]
    public void Leave_from_a_non_member_is_answered_not_in_room_with_the_id()
    {
        var room = Start();
        var stranger = CreateTestProbe();

        room.Actor.Tell(new RoomActor.Leave(Room, 7, Raw("\"bye\""), Reply: true), stranger.Ref);

        Assert.Equal("bye", (string?)stranger.NextError("not_in_room")["id"]);
        Assert.Equal([(1L, "Ada")], RoomFrames.Members(ExpectNothingMoreFromTheRoom(room, room.A.LocalRoom))); // No PRESENCE left before it.
    }

    [Fact]
    public void Who_lists_the_members_sorted_with_the_id_to_anyone_who_asks()
    {
        var room = Start(nodes: 2, first: new PlayerInfo(8, "Hal"));
        Join(room, room.B, 3, "Cy");
        var stranger = CreateTestProbe();

        room.Actor.Tell(new RoomActor.Who(Room, Raw("21")), stranger.Ref);

        var who = stranger.NextFrame("WHO");
        Assert.Equal(Room, (string?)who["message"]!["room"]);
        Assert.Equal(21, (int)who["id"]!);
        Assert.Equal([(3L, "Cy"), (8L, "Hal")], RoomFrames.Members(who));
    }

    [Fact]
    public void When_a_nodes_local_room_stops_its_members_leave_and_the_others_hear_presence_left()
    {
        var room = Start(nodes: 2);
        Join(room, room.B, 2, "Bo");
        Join(room, room.B, 3, "Cy");

        Sys.Stop(room.B.LocalRoom.Ref); // Node B left or died.

        Assert.Equal([2L, 3L], new[] { room.A.LocalRoom.ExpectMsg<LocalRoom.PresenceLeft>().UserId, room.A.LocalRoom.ExpectMsg<LocalRoom.PresenceLeft>().UserId });
        Assert.Equal([(1L, "Ada")], RoomFrames.Members(ExpectNothingMoreFromTheRoom(room, room.A.LocalRoom)));
        Assert.Equal([0, 1, 2, 3, 2, 1], Counts(room, 6));
        ExpectNoPassivation(room);
    }

    [Fact]
    public void An_emptied_room_asks_its_shard_to_passivate_it_and_stops_when_told()
    {
        var room = Start();

        room.Actor.Tell(new RoomActor.Leave(Room, 1, null, Reply: true), room.First.Client.Ref);

        room.A.LocalRoom.ExpectMsg<LocalRoom.Removed>();
        var passivate = room.Passivations.ExpectMsg<Passivate>();
        Assert.IsType<RoomActor.Stop>(passivate.StopMessage);
        Watch(room.Actor);
        room.Actor.Tell(passivate.StopMessage); // As the shard does.
        ExpectTerminated(room.Actor);
        Assert.Equal([0, 1, 0, 0], Counts(room, 4)); // The last one as it stops, whatever the count was.
    }

    [Fact]
    public void A_room_started_for_a_message_that_brings_nobody_in_asks_to_be_passivated()
    {
        var room = Create();
        var asker = CreateTestProbe();
        room.Actor.Tell(new RoomActor.Who(Room, null), asker.Ref);
        room.Actor.Tell(new RoomActor.Wake(Room), room.A.LocalRoom.Ref);

        AnswerNobody(room.A);

        Assert.Empty(RoomFrames.Members(asker.NextFrame("WHO")));
        Assert.IsType<RoomActor.Stop>(room.Passivations.ExpectMsg<Passivate>().StopMessage);
        ExpectNothingMoreFromTheRoom(room, room.A.LocalRoom); // Woken, and nothing else.
    }

    [Fact]
    public void A_join_that_waited_for_the_start_answers_is_not_lost_to_passivation()
    {
        var room = Create();
        var ada = CreateTestProbe();
        room.Actor.Tell(new RoomActor.Join(Room, new PlayerInfo(1, "Ada"), ada.Ref, null), room.A.LocalRoom.Ref);

        AnswerNobody(room.A); // Nobody in the room: it would be empty, but for the JOIN waiting.

        room.A.LocalRoom.ExpectMsg<LocalRoom.Added>();
        ExpectNoPassivation(room);
    }

    [Fact]
    public void Before_it_stops_the_room_has_its_members_on_this_node_send_through_the_region_and_handles_what_they_sent_it_directly()
    {
        var room = Start(flushInterval: TimeSpan.FromSeconds(1));
        var bo = Join(room, room.A, 2, "Bo");
        room.Actor.Tell(new RoomActor.Relay(Room, 1, Raw("\"first\""), null), room.First.Client.Ref);
        Assert.Equal([(1L, "\"first\"")], Relayed(room.A.LocalRoom));
        room.Actor.Tell(new RoomActor.Relay(Room, 1, Raw("\"held\""), null), room.First.Client.Ref);
        Watch(room.Actor);

        room.Actor.Tell(RoomActor.Stop.Instance); // A hand-off, well within the flush interval.

        // Members here send to the room directly; each is told to switch to the region first.
        Assert.Equal(Room, room.First.Client.ExpectMsg<ClientActor.RoomMoving>().Room);
        Assert.Equal(Room, bo.Client.ExpectMsg<ClientActor.RoomMoving>().Room);
        room.Actor.Tell(new RoomActor.Relay(Room, 2, Raw("\"sent before switching\""), null), bo.Client.Ref);
        room.Actor.Tell(RoomActor.Moved.Instance, room.First.Client.Ref);
        room.Actor.Tell(RoomActor.Moved.Instance, bo.Client.Ref);

        // What the room held goes out at once, and what they sent before they switched before it stops.
        Assert.Equal([(1L, "\"held\"")], Relayed(room.A.LocalRoom));
        Assert.Equal([(2L, "\"sent before switching\"")], Relayed(room.A.LocalRoom));
        ExpectTerminated(room.Actor);
    }

    [Fact]
    public void A_member_who_joins_while_the_room_is_stopping_is_told_to_move_too()
    {
        var room = Start();
        Watch(room.Actor);
        room.Actor.Tell(RoomActor.Stop.Instance);
        room.First.Client.ExpectMsg<ClientActor.RoomMoving>();

        var bo = CreateTestProbe(); // Bo's JOIN was already in the room's mailbox.
        room.Actor.Tell(new RoomActor.Join(Room, new PlayerInfo(2, "Bo"), bo.Ref, null), room.A.LocalRoom.Ref);
        room.Actor.Tell(RoomActor.Moved.Instance, room.First.Client.Ref);
        bo.ExpectMsg<ClientActor.RoomMoving>();
        room.Actor.Tell(RoomActor.Moved.Instance, bo.Ref);

        ExpectTerminated(room.Actor);
    }

    [Fact]
    public void A_room_stopped_before_every_node_answered_still_handles_the_join_that_waited()
    {
        var room = Create();
        var ada = CreateTestProbe();
        room.Actor.Tell(new RoomActor.Join(Room, new PlayerInfo(1, "Ada"), ada.Ref, null), room.A.LocalRoom.Ref);
        room.A.Directory.ExpectMsg<RoomDirectory.FindMembers>(); // Never answered: the room is handed off first.
        Watch(room.Actor);

        room.Actor.Tell(RoomActor.Stop.Instance);

        Assert.Equal(1, room.A.LocalRoom.ExpectMsg<LocalRoom.Added>().UserId);
        ada.ExpectMsg<ClientActor.RoomMoving>();
        room.Actor.Tell(RoomActor.Moved.Instance, ada.Ref);
        ExpectTerminated(room.Actor);
    }

    [Fact]
    public void A_stopping_room_does_not_wait_for_a_member_whose_client_is_gone()
    {
        var room = Start();
        var bo = Join(room, room.A, 2, "Bo");
        Watch(room.Actor);
        Sys.Stop(bo.Client.Ref); // Bo's connection ended; the LocalRoom's Leave for him has not arrived yet.

        room.Actor.Tell(RoomActor.Stop.Instance);
        room.First.Client.ExpectMsg<ClientActor.RoomMoving>();
        room.Actor.Tell(RoomActor.Moved.Instance, room.First.Client.Ref);

        ExpectTerminated(room.Actor);
    }

    /// <summary>One node as the room sees it: its directory, asked who is in the room, and its LocalRoom, through which it reaches the members there.</summary>
    private sealed class Node(TestProbe directory, TestProbe localRoom)
    {
        public TestProbe Directory { get; } = directory;

        public TestProbe LocalRoom { get; } = localRoom;

        /// <summary>How many members the room has on this node, as the tests made it.</summary>
        public int Members { get; set; }
    }

    private sealed record Member(long UserId, TestProbe Client, Node Node);

    /// <param name="Passivations">Hears what the room tells its shard (its parent).</param>
    /// <param name="Counts">Stands in for the directory of the room's own node, which hears its member counts.</param>
    private sealed record StartedRoom(IActorRef Actor, IActorRef Shard, TestProbe Passivations, TestProbe Counts, Node[] Nodes)
    {
        public Node A => Nodes[0];

        public Node B => Nodes[1];

        /// <summary>The member the room started for (<see cref="Start"/>), on node A.</summary>
        public Member First { get; init; } = null!;
    }

    private static RoomSettings Settings(int maxMembers = 16, TimeSpan flushInterval = default, TimeSpan? startTimeout = null) =>
        new(maxMembers, MaxRoomsPerClient: 8, MaxRooms: 100, flushInterval, startTimeout ?? TimeSpan.FromMinutes(1));

    /// <summary>
    /// A new incarnation of the room in a cluster of <paramref name="nodes"/>, its question to
    /// every node unanswered; with no <paramref name="flushInterval"/>, relays go out as soon as
    /// the room has handled what arrived with them.
    /// </summary>
    private StartedRoom Create(int nodes = 1, int maxMembers = 16, TimeSpan flushInterval = default, TimeSpan? startTimeout = null)
    {
        var all = Enumerable.Range(0, nodes).Select(_ => new Node(CreateTestProbe(), CreateTestProbe())).ToArray();
        var counts = CreateTestProbe();
        var passivations = CreateTestProbe();
        var props = RoomActor.Props(Room, Settings(maxMembers, flushInterval, startTimeout), counts.Ref, () => [.. all.Select(n => n.Directory.Ref)]);
        var (shard, room) = ParentProxies.Start(Sys, props, passivations.Ref);
        return new StartedRoom(room, shard, passivations, counts, all);
    }

    /// <summary>
    /// A room started as a shard starts one for a JOIN: the first player (Ada, user 1, unless
    /// <paramref name="first"/> says otherwise) joins on node A, and no node has anyone in it.
    /// </summary>
    private StartedRoom Start(int nodes = 1, int maxMembers = 16, TimeSpan flushInterval = default, PlayerInfo? first = null)
    {
        var room = Create(nodes, maxMembers, flushInterval);
        var player = first ?? new PlayerInfo(1, "Ada");
        var client = CreateTestProbe();
        room.Actor.Tell(new RoomActor.Join(Room, player, client.Ref, null), room.A.LocalRoom.Ref);
        foreach (var node in room.Nodes)
        {
            AnswerNobody(node);
        }

        room.A.LocalRoom.ExpectMsg<LocalRoom.Added>();
        room.A.Members++;
        return room with { First = new Member(player.UserId, client, room.A) };
    }

    /// <summary>A new member on <paramref name="node"/>, whose JOIN was accepted; each node with members was told once.</summary>
    private Member Join(StartedRoom room, Node node, long userId, string name)
    {
        var client = CreateTestProbe();
        room.Actor.Tell(new RoomActor.Join(Room, new PlayerInfo(userId, name), client.Ref, null), node.LocalRoom.Ref);
        foreach (var told in room.Nodes.Where(n => n.Members > 0))
        {
            Assert.Equal(userId, told.LocalRoom.ExpectMsg<LocalRoom.PresenceJoined>().Player.UserId);
        }

        Assert.Equal(userId, node.LocalRoom.ExpectMsg<LocalRoom.Added>().UserId);
        node.Members++;
        return new Member(userId, client, node);
    }

    /// <summary>The node's directory, with no LocalRoom for the room, answers for itself: nobody.</summary>
    private static void AnswerNobody(Node node)
    {
        node.Directory.ExpectMsg<RoomDirectory.FindMembers>(find => Assert.Equal(Room, find.Room));
        node.Directory.Reply(new RoomActor.MembersHere(Room, [], []));
    }

    /// <summary>The node's directory hands the question to its LocalRoom, which answers.</summary>
    private static void Answer(StartedRoom room, Node node, IReadOnlyList<LocalRoom.Member> members, IReadOnlyList<PlayerInfo> known)
    {
        node.Directory.ExpectMsg<RoomDirectory.FindMembers>(find => Assert.Equal(Room, find.Room));
        room.Actor.Tell(new RoomActor.MembersHere(Room, members, known), node.LocalRoom.Ref);
        node.Members += members.Count;
    }

    /// <summary>
    /// A sentinel through the room: what the room sends one actor arrives in the order sent, so
    /// if the answer to a WHO is the next thing <paramref name="probe"/> hears, the room sent it
    /// nothing else while handling what it was told before. Returns that WHO.
    /// </summary>
    private static JObject ExpectNothingMoreFromTheRoom(StartedRoom room, TestProbe probe)
    {
        room.Actor.Tell(new RoomActor.Who(Room, null), probe.Ref);
        return probe.NextFrame("WHO");
    }

    /// <summary>
    /// The room has not asked to be passivated: once it has answered a WHO, whatever it told its
    /// parent before is in the proxy's mailbox, ahead of the sentinel told to it now.
    /// </summary>
    private void ExpectNoPassivation(StartedRoom room)
    {
        ExpectNothingMoreFromTheRoom(room, CreateTestProbe());
        room.Shard.Tell(new ParentProxy.Sentinel("shard"));
        Assert.Equal(new ParentProxy.Sentinel("shard"), room.Passivations.ExpectMsg<object>());
    }

    /// <summary>The next batch a LocalRoom gets, as (sender, data) pairs.</summary>
    private static (long From, string Data)[] Relayed(TestProbe localRoom) =>
        [.. localRoom.ExpectMsg<ClientActor.Relayed>().Frames.Select(f => (f.From, Frame(f.Frame, "RELAY")["message"]!["data"]!.ToString(Newtonsoft.Json.Formatting.None)))];

    private static int[] Counts(StartedRoom room, int count) =>
        [.. Enumerable.Range(0, count).Select(_ => room.Counts.ExpectMsg<RoomDirectory.MemberCount>().Count)];

    private static JObject Frame(EncodedFrame frame, string cmd)
    {
        var decoded = RoomFrames.Decode(frame);
        Assert.Equal(cmd, (string?)decoded["cmd"]);
        return decoded;
    }

    private static RawJson Raw(string json) => new(Encoding.UTF8.GetBytes(json));
}
