using System.Text;
using ActorGameServer.Protocol;
using ActorGameServer.Server.Configuration;
using ActorGameServer.Server.Rooms;
using Akka.Serialization;
using Xunit.Abstractions;

namespace ActorGameServer.Server.Tests.Rooms;

/// <summary>
/// The room messages that cross nodes, through the serializer the server's configuration binds to
/// them (a local actor system with that configuration: no remote port needed to serialize). Ids
/// and data are JSON as the client sent it, so they must come out byte for byte.
/// </summary>
public sealed class RoomMessageSerializerTests(ITestOutputHelper output)
    : Akka.TestKit.Xunit2.TestKit(ServerConfig.LoadWith("akka.actor.provider = local"), output: output)
{
    // Beyond 2^53, a number some JSON parsers would round; and a decimal whose trailing zero matters to the client.
    private const string BigId = "9007199254740993";
    private const string DecimalId = "1.50";

    [Fact]
    public void A_join_crosses_with_its_player_its_client_and_its_id_as_sent()
    {
        var client = CreateTestProbe();
        var copy = RoundTrip(new RoomActor.Join("lobby", new PlayerInfo(1L << 40, "Zoë 🎲"), client.Ref, Json(BigId)));

        Assert.Equal("lobby", copy.Room);
        Assert.Equal(new PlayerInfo(1L << 40, "Zoë 🎲"), copy.Player);
        Assert.Equal(client.Ref, copy.Client);
        Assert.Equal(BigId, copy.Id?.ToString());
        Assert.Null(RoundTrip(new RoomActor.Join("lobby", new PlayerInfo(1, "Ada"), client.Ref, null)).Id);
    }

    [Fact]
    public void A_signed_in_players_account_crosses_and_a_guest_stays_without_one()
    {
        var client = CreateTestProbe();
        var signedIn = new PlayerInfo(3, "Ada", "auth0|ada-💡");
        var guest = new PlayerInfo(4, "Bo");

        Assert.Equal(signedIn, RoundTrip(new RoomActor.Join("lobby", signedIn, client.Ref, null)).Player);
        Assert.Null(RoundTrip(new RoomActor.Join("lobby", guest, client.Ref, null)).Player.Account);
        var here = RoundTrip(new RoomActor.MembersHere("lobby", [new LocalRoom.Member(signedIn, client.Ref)], [signedIn, guest]));
        Assert.Equal(signedIn, here.Members.Single().Player);
        Assert.Equal([signedIn, guest], here.Known);
        Assert.Equal(signedIn, RoundTrip(new LocalRoom.PresenceJoined(signedIn, ServerFrames.PresenceJoined("lobby", signedIn))).Player);

        // On the wire, only a signed-in player's entry has the field: guests' JSON is as before.
        Assert.Contains("\"account\":\"auth0|ada-", ServerFrames.HelloOk(signedIn, null).ToString());
        Assert.DoesNotContain("account", ServerFrames.Who("lobby", [guest], null).ToString());
    }

    [Fact]
    public void A_leave_crosses_with_its_id_and_whether_it_wants_a_reply()
    {
        Assert.Equal(("lobby", 7L, DecimalId, true), Fields(RoundTrip(new RoomActor.Leave("lobby", 7, Json(DecimalId), Reply: true))));
        Assert.Equal(("lobby", 7L, (string?)null, false), Fields(RoundTrip(new RoomActor.Leave("lobby", 7, null, Reply: false))));

        static (string, long, string?, bool) Fields(RoomActor.Leave leave) => (leave.Room, leave.UserId, leave.Id?.ToString(), leave.Reply);
    }

    [Fact]
    public void A_relay_crosses_with_its_data_and_id_byte_for_byte()
    {
        const string data = """{"x": 1.50, "big": 9007199254740993, "s":"é\n\u00e9"}""";

        var copy = RoundTrip(new RoomActor.Relay("lobby", 3, Json(data), Json("\"r-1\""), DispatchedAt: 12345));

        Assert.Equal(("lobby", 3L), (copy.Room, copy.From));
        Assert.Equal(data, copy.Data.ToString());
        Assert.Equal("\"r-1\"", copy.Id?.ToString());
        Assert.Equal(0, copy.DispatchedAt); // A timestamp of the sending machine: meaningless on another.
        Assert.Null(RoundTrip(new RoomActor.Relay("lobby", 3, RawJson.Null, null)).Id);
        Assert.Equal("null", RoundTrip(new RoomActor.Relay("lobby", 3, RawJson.Null, null)).Data.ToString());
    }

    [Fact]
    public void Who_and_wake_cross_with_their_room()
    {
        var who = RoundTrip(new RoomActor.Who("a.b:c-d_9", Json(BigId)));
        Assert.Equal(("a.b:c-d_9", BigId), (who.Room, who.Id?.ToString()));
        Assert.Null(RoundTrip(new RoomActor.Who("lobby", null)).Id);
        Assert.Equal(new RoomActor.Wake("lobby"), RoundTrip(new RoomActor.Wake("lobby")));
        Assert.Equal(new RoomDirectory.FindMembers("lobby"), RoundTrip(new RoomDirectory.FindMembers("lobby")));
    }

    [Fact]
    public void A_nodes_answer_to_a_starting_room_crosses_with_its_members_clients_and_everyone_it_knew()
    {
        var ada = CreateTestProbe();
        var bo = CreateTestProbe();
        var here = new RoomActor.MembersHere(
            "lobby",
            [new LocalRoom.Member(new PlayerInfo(1, "Ada"), ada.Ref), new LocalRoom.Member(new PlayerInfo(2, "Бо"), bo.Ref)],
            [new PlayerInfo(1, "Ada"), new PlayerInfo(2, "Бо"), new PlayerInfo(3, "李")]);

        var copy = RoundTrip(here);

        Assert.Equal("lobby", copy.Room);
        Assert.Equal(here.Members.Select(m => (m.Player, m.Client)), copy.Members.Select(m => (m.Player, m.Client)));
        Assert.Equal(here.Known, copy.Known);
        var empty = RoundTrip(new RoomActor.MembersHere("lobby", [], []));
        Assert.Empty(empty.Members);
        Assert.Empty(empty.Known);
    }

    [Fact]
    public void The_rooms_answers_cross_with_their_frames_byte_for_byte()
    {
        PlayerInfo[] players = [new(1, "Ada"), new(2, "Zoë")];
        var joined = ServerFrames.Joined("lobby", players, Json(BigId));
        var error = ServerFrames.Error(new ProtocolError(ErrorCode.RoomFull, "full"), Json(DecimalId));
        var left = ServerFrames.Left("lobby", Json("\"bye\""));

        var added = RoundTrip(new LocalRoom.Added(2, players, joined));
        Assert.Equal(2, added.UserId);
        Assert.Equal(players, added.Players);
        Assert.Equal(joined.ToLengthPrefixed(), added.Reply.ToLengthPrefixed());
        Assert.Contains($"\"id\":{BigId}", added.Reply.ToString());

        var refused = RoundTrip(new LocalRoom.Refused(2, error));
        Assert.Equal(2, refused.UserId);
        Assert.Equal(error.ToLengthPrefixed(), refused.Reply.ToLengthPrefixed());
        Assert.Contains($"\"id\":{DecimalId}", refused.Reply.ToString());

        var removed = RoundTrip(new LocalRoom.Removed(2, left));
        Assert.Equal(2, removed.UserId);
        Assert.Equal(left.ToLengthPrefixed(), removed.Reply?.ToLengthPrefixed());
        Assert.Null(RoundTrip(new LocalRoom.Removed(2, null)).Reply); // A connection that ended gets no LEFT.
    }

    [Fact]
    public void Presence_crosses_with_its_player_and_frame()
    {
        var player = new PlayerInfo(9007199254740993, "Ünïcødé ✓");
        var joinedFrame = ServerFrames.PresenceJoined("lobby", player);
        var leftFrame = ServerFrames.PresenceLeft("lobby", player.UserId);

        var joined = RoundTrip(new LocalRoom.PresenceJoined(player, joinedFrame));
        var left = RoundTrip(new LocalRoom.PresenceLeft(player.UserId, leftFrame));

        Assert.Equal(player, joined.Player);
        Assert.Equal(joinedFrame.ToLengthPrefixed(), joined.Frame.ToLengthPrefixed());
        Assert.Equal(player.UserId, left.UserId);
        Assert.Equal(leftFrame.ToLengthPrefixed(), left.Frame.ToLengthPrefixed());
    }

    [Fact]
    public void Away_and_back_cross_to_the_room_and_its_news_back_to_the_members_nodes()
    {
        var away = RoundTrip(new RoomActor.AwayOrBack("lobby", 1L << 33, Away: true));
        var back = RoundTrip(new RoomActor.AwayOrBack("lobby", 1L << 33, Away: false));
        var frame = ServerFrames.Left("lobby", null);
        var about = RoundTrip(new LocalRoom.PresenceAbout(1L << 33, frame));

        Assert.Equal(new RoomActor.AwayOrBack("lobby", 1L << 33, Away: true), away);
        Assert.Equal(new RoomActor.AwayOrBack("lobby", 1L << 33, Away: false), back);
        Assert.Equal(1L << 33, about.UserId);
        Assert.Equal(frame.ToLengthPrefixed(), about.Frame.ToLengthPrefixed());
    }

    [Fact]
    public void A_seat_that_moves_with_its_session_crosses_with_the_player_its_new_client_and_the_rooms_answers()
    {
        var player = new PlayerInfo(1L << 33, "Ünïcødé", "account-7");

        var move = RoundTrip(new RoomActor.MoveMember("lobby ü", player, TestActor));

        Assert.Equal(new RoomActor.MoveMember("lobby ü", player, TestActor), move);
        Assert.Equal(new LocalRoom.Rebound(1L << 33, Member: true), RoundTrip(new LocalRoom.Rebound(1L << 33, Member: true)));
        Assert.Equal(new LocalRoom.Rebound(5, Member: false), RoundTrip(new LocalRoom.Rebound(5, Member: false)));
        Assert.Equal(new LocalRoom.MovedAway(1L << 33), RoundTrip(new LocalRoom.MovedAway(1L << 33)));
    }

    [Fact]
    public void Every_room_message_that_crosses_nodes_is_bound_to_the_room_serializer_not_a_fallback()
    {
        var frame = ServerFrames.Left("lobby", null);
        object[] messages =
        [
            new RoomActor.Join("lobby", new PlayerInfo(1, "Ada"), TestActor, null),
            new RoomActor.Leave("lobby", 1, null, true),
            new RoomActor.Relay("lobby", 1, RawJson.Null, null),
            new RoomActor.Who("lobby", null),
            new RoomActor.Wake("lobby"),
            new RoomActor.MembersHere("lobby", [], []),
            new RoomDirectory.FindMembers("lobby"),
            new LocalRoom.Added(1, [], frame),
            new LocalRoom.Refused(1, frame),
            new LocalRoom.Removed(1, null),
            new LocalRoom.PresenceJoined(new PlayerInfo(1, "Ada"), frame),
            new LocalRoom.PresenceLeft(1, frame),
            new LocalRoom.Reply(1, frame),
            RoomActor.Moved.Instance,
            new RoomActor.AwayOrBack("lobby", 1, Away: true),
            new LocalRoom.PresenceAbout(1, frame),
            new RoomActor.MoveMember("lobby", new PlayerInfo(1, "Ada"), TestActor),
            new LocalRoom.Rebound(1, Member: true),
            new LocalRoom.MovedAway(1),
        ];

        Assert.All(messages, message => Assert.IsType<RoomMessageSerializer>(Sys.Serialization.FindSerializerFor(message)));
    }

    [Fact]
    public void A_reply_for_one_member_and_a_members_confirmation_that_it_holds_its_requests_cross()
    {
        var frame = ServerFrames.Who("lobby", [new PlayerInfo(1L << 33, "Ada")], Json("9007199254740993"));

        var reply = RoundTrip(new LocalRoom.Reply(1L << 33, frame));

        Assert.Equal(1L << 33, reply.UserId);
        Assert.Equal(frame.ToLengthPrefixed(), reply.Frame.ToLengthPrefixed());
        Assert.Same(RoomActor.Moved.Instance, RoundTrip(RoomActor.Moved.Instance));
    }

    private T RoundTrip<T>(T message)
        where T : class
    {
        var serializer = Assert.IsType<RoomMessageSerializer>(Sys.Serialization.FindSerializerFor(message));
        var bytes = serializer.ToBinary(message);
        return Assert.IsType<T>(serializer.FromBinary(bytes, serializer.Manifest(message)));
    }

    private static RawJson Json(string json) => new(Encoding.UTF8.GetBytes(json));
}
