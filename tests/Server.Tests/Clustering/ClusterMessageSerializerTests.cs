using ActorGameServer.Protocol;
using ActorGameServer.Server.Actors;
using ActorGameServer.Server.Admin;
using ActorGameServer.Server.Clustering;
using ActorGameServer.Server.Configuration;
using ActorGameServer.Server.Sessions;
using Akka.Serialization;
using Xunit.Abstractions;

namespace ActorGameServer.Server.Tests.Clustering;

/// <summary>
/// The messages that cross nodes, through the serializer the server's configuration binds to
/// them (a local actor system with that configuration: no remote port needed to serialize).
/// </summary>
public sealed class ClusterMessageSerializerTests(ITestOutputHelper output)
    : Akka.TestKit.Xunit2.TestKit(ServerConfig.LoadWith("akka.actor.provider = local"), output: output)
{
    [Fact]
    public void A_DIRECT_crosses_with_its_JSON_payload_byte_for_byte_and_its_request_id()
    {
        var direct = new ClientRegistry.Direct(7, (1L << 32) + 3, Json("""{"x": 1.50, "s":"é\n"}"""), Json("\"req-1\""));

        var copy = RoundTrip(direct);

        Assert.Equal(direct.From, copy.From);
        Assert.Equal(direct.To, copy.To);
        Assert.Equal(direct.Data.ToString(), copy.Data.ToString());
        Assert.Equal("\"req-1\"", copy.Id?.ToString());
    }

    [Fact]
    public void A_DIRECT_without_a_request_id_has_none_on_the_other_side()
    {
        var copy = RoundTrip(new ClientRegistry.Direct(1, 2, RawJson.Null, null));

        Assert.Null(copy.Id);
        Assert.Equal("null", copy.Data.ToString());
    }

    [Fact]
    public void A_no_such_user_answer_keeps_whom_to_answer()
    {
        var replyTo = CreateTestProbe();
        var answer = new ClientRegistry.NoSuchUser(replyTo.Ref, 42, Json("17"));

        var copy = RoundTrip(answer);

        Assert.Equal(replyTo.Ref, copy.ReplyTo);
        Assert.Equal(42, copy.To);
        Assert.Equal("17", copy.Id?.ToString());
    }

    [Fact]
    public void A_frame_for_a_client_crosses_byte_for_byte()
    {
        var frame = ServerFrames.Error(new ProtocolError(ErrorCode.NotInRoom, "you are not in room \"Zoë's\""), Json("9007199254740993"));

        var copy = RoundTrip(new ClientActor.Send(frame));

        Assert.Equal(frame.ToLengthPrefixed(), copy.Frame.ToLengthPrefixed());
        Assert.Contains("\"id\":9007199254740993", copy.Frame.ToString());
    }

    [Fact]
    public void A_rooms_batch_crosses_with_its_frames_in_order_and_who_relayed_each()
    {
        var first = ServerFrames.Relay("lobby", 1, Json("""{"x":1.50}"""));
        var second = ServerFrames.Relay("lobby", 1L << 40, Json("\"é\""));

        var copy = RoundTrip(new ClientActor.Relayed([new ClientActor.RelayedFrame(1, first, 11), new ClientActor.RelayedFrame(1L << 40, second, 12)], SentAt: 13));

        Assert.Equal([1L, 1L << 40], copy.Frames.Select(f => f.From));
        Assert.Equal([first.ToLengthPrefixed(), second.ToLengthPrefixed()], copy.Frames.Select(f => f.Frame.ToLengthPrefixed()));
        Assert.All(copy.Frames, f => Assert.Equal(0, f.HeldAt)); // Timestamps of the sending machine stay there.
        Assert.Equal(0, copy.SentAt);
        Assert.Empty(RoundTrip(new ClientActor.Relayed([], 0)).Frames);
    }

    [Fact]
    public void All_are_bound_to_the_server_serializer_not_a_fallback()
    {
        Assert.IsType<ClusterMessageSerializer>(Sys.Serialization.FindSerializerFor(new ClientRegistry.Direct(1, 2, RawJson.Null, null)));
        Assert.IsType<ClusterMessageSerializer>(Sys.Serialization.FindSerializerFor(new ClientRegistry.NoSuchUser(TestActor, 2, null)));
        Assert.IsType<ClusterMessageSerializer>(Sys.Serialization.FindSerializerFor(new ClientActor.Send(ServerFrames.Left("lobby", null))));
        Assert.IsType<ClusterMessageSerializer>(Sys.Serialization.FindSerializerFor(new ClientActor.Relayed([], 0)));
        Assert.IsType<ClusterMessageSerializer>(Sys.Serialization.FindSerializerFor(new ClientActor.RoomMoving("lobby")));
        Assert.IsType<ClusterMessageSerializer>(Sys.Serialization.FindSerializerFor(new ClientActor.RoomHere("lobby", TestActor)));
        Assert.IsType<ClusterMessageSerializer>(Sys.Serialization.FindSerializerFor(new ClientRegistry.AccountSignedIn("a", 1, 2)));
        object[] admin =
        [
            ClientRegistry.GetNodeStats.Instance, new ClientRegistry.NodeStats(1, 2, 3, 4), ClientRegistry.ListPlayers.Instance,
            new ClientRegistry.NodePlayers([]), new ClientRegistry.KickPlayer(1, "r", "b"), new ClientRegistry.KickResult(1, true),
            new ClientRegistry.BroadcastNotice("m", "b"), new ClientRegistry.NoticeSent(1),
        ];
        Assert.All(admin, message => Assert.IsType<ClusterMessageSerializer>(Sys.Serialization.FindSerializerFor(message)));
        object[] move =
        [
            new ClientRegistry.ResumeElsewhere("t", null, TestActor, TestActor, false), new ClientRegistry.Immigrate(new MovedSession(new PlayerInfo(1, "a"), [], []), TestActor, null, "t"),
            new ClientRegistry.SessionMovedHere(1), new ClientRegistry.MovedSessionEnded(1), new ClientActor.ResumeRefused(ServerFrames.Left("lobby", null)),
            ClientActor.MovedHere.Instance, ClientActor.MoveComplete.Instance, ClientActor.MoveRefused.Instance,
        ];
        Assert.All(move, message => Assert.IsType<ClusterMessageSerializer>(Sys.Serialization.FindSerializerFor(message)));
    }

    [Fact]
    public void A_session_moving_to_another_node_crosses_with_its_player_seats_and_missed_pushes_in_order()
    {
        var first = ServerFrames.Relay("lobby", 1, Json("""{"x":1.50}"""));
        var second = ServerFrames.PresenceAway("lobby", 9);
        var player = new PlayerInfo(1L << 33, "Zoë", "acct-1");
        var session = new MovedSession(player, [new MovedSession.Seat("lobby", TestActor), new MovedSession.Seat("moving ü", null)], [first, second]);

        var copy = RoundTrip(new ClientRegistry.Immigrate(session, TestActor, Json("9007199254740993"), "token-1"));

        Assert.Equal(player, copy.Session.Player);
        Assert.Equal(session.Rooms, copy.Session.Rooms);
        Assert.Equal([first.ToLengthPrefixed(), second.ToLengthPrefixed()], copy.Session.Missed.Select(f => f.ToLengthPrefixed()));
        Assert.Equal(TestActor, copy.Connection);
        Assert.Equal("9007199254740993", copy.Id?.ToString());
        Assert.Equal("token-1", copy.Token);

        var resume = RoundTrip(new ClientRegistry.ResumeElsewhere("token-2", null, TestActor, TestActor, Forwarded: true));
        Assert.Equal(new ClientRegistry.ResumeElsewhere("token-2", null, TestActor, TestActor, Forwarded: true), resume);
        Assert.Equal(1L << 33, RoundTrip(new ClientRegistry.SessionMovedHere(1L << 33)).UserId);
        Assert.Equal(1L << 33, RoundTrip(new ClientRegistry.MovedSessionEnded(1L << 33)).UserId);
        var error = ServerFrames.Error(new ProtocolError(ErrorCode.BadSession, "no"), Json("3"));
        Assert.Equal(error.ToLengthPrefixed(), RoundTrip(new ClientActor.ResumeRefused(error)).Error.ToLengthPrefixed());
        Assert.Same(ClientActor.MovedHere.Instance, RoundTrip(ClientActor.MovedHere.Instance));
        Assert.Same(ClientActor.MoveComplete.Instance, RoundTrip(ClientActor.MoveComplete.Instance));
        Assert.Same(ClientActor.MoveRefused.Instance, RoundTrip(ClientActor.MoveRefused.Instance));
    }

    [Fact]
    public void The_admin_APIs_questions_and_answers_cross_with_every_field()
    {
        Assert.Same(ClientRegistry.GetNodeStats.Instance, RoundTrip(ClientRegistry.GetNodeStats.Instance));
        Assert.Same(ClientRegistry.ListPlayers.Instance, RoundTrip(ClientRegistry.ListPlayers.Instance));
        Assert.Equal(new ClientRegistry.NodeStats(3, 120.5, 0, 86_400.2), RoundTrip(new ClientRegistry.NodeStats(3, 120.5, 0, 86_400.2)));
        Assert.Equal(new ClientRegistry.KickPlayer((1L << 32) + 5, "cheating \"é\"", "10.0.0.9:5555"), RoundTrip(new ClientRegistry.KickPlayer((1L << 32) + 5, "cheating \"é\"", "10.0.0.9:5555")));
        Assert.Equal(new ClientRegistry.KickResult(42, Found: false), RoundTrip(new ClientRegistry.KickResult(42, Found: false)));
        Assert.Equal(new ClientRegistry.KickResult(42, Found: true), RoundTrip(new ClientRegistry.KickResult(42, Found: true)));
        Assert.Equal(new ClientRegistry.BroadcastNotice("restart at 18:00 ü", "[::1]:80"), RoundTrip(new ClientRegistry.BroadcastNotice("restart at 18:00 ü", "[::1]:80")));
        Assert.Equal(0, RoundTrip(new ClientRegistry.NoticeSent(0)).Players);
        Assert.Equal(12_000, RoundTrip(new ClientRegistry.NoticeSent(12_000)).Players);

        var connectedAt = new DateTimeOffset(2025, 1, 31, 17, 4, 5, TimeSpan.Zero).AddTicks(1234567);
        var ada = new PlayerSnapshot(7, "Ada ü", "127.0.0.1:5555", "tcp", ["arena", "lobby"], connectedAt, 10, 12, 400, 500);
        var bo = new PlayerSnapshot(1L << 33, "", "[::1]:6000", "websocket", [], connectedAt, 0, 1, 0, 30);
        var copy = RoundTrip(new ClientRegistry.NodePlayers([ada, bo]));
        Assert.Equal(2, copy.Players.Count);
        Assert.Equal(ada with { Rooms = copy.Players[0].Rooms }, copy.Players[0]);
        Assert.Equal(["arena", "lobby"], copy.Players[0].Rooms);
        Assert.Equal(bo with { Rooms = copy.Players[1].Rooms }, copy.Players[1]);
        Assert.Empty(copy.Players[1].Rooms);
        Assert.Equal(TimeSpan.Zero, copy.Players[0].ConnectedAt.Offset);
        Assert.Empty(RoundTrip(new ClientRegistry.NodePlayers([])).Players);
    }

    [Fact]
    public void A_room_that_moves_and_its_next_incarnation_cross_with_the_room_and_where_it_is()
    {
        Assert.Equal("lobby ü", RoundTrip(new ClientActor.RoomMoving("lobby ü")).Room);

        var here = RoundTrip(new ClientActor.RoomHere("lobby", TestActor));

        Assert.Equal("lobby", here.Room);
        Assert.Equal(TestActor, here.RoomActor);
    }

    [Fact]
    public void A_sign_in_for_the_other_nodes_crosses_with_its_account_time_and_node_number()
    {
        var signedIn = new ClientRegistry.AccountSignedIn("acct-ü \"1\"", DateTime.UtcNow.Ticks, UserIds.MaxNodeNumber);

        Assert.Equal(signedIn, RoundTrip(signedIn));
        Assert.Equal(new ClientRegistry.AccountSignedIn("", 0, 0), RoundTrip(new ClientRegistry.AccountSignedIn("", 0, 0)));
    }

    private T RoundTrip<T>(T message)
        where T : class
    {
        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerFor(message);
        var bytes = serializer.ToBinary(message);
        return Assert.IsType<T>(serializer.FromBinary(bytes, serializer.Manifest(message)));
    }

    private static RawJson Json(string json) => new(System.Text.Encoding.UTF8.GetBytes(json));
}
