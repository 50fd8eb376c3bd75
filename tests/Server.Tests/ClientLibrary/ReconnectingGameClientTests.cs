using System.Net;
using ActorGameServer.Client;
using ActorGameServer.Server.Tests.Admin;
using ActorGameServer.Server.Tests.Auth;
using ActorGameServer.Server.Tests.Support;

namespace ActorGameServer.Server.Tests.ClientLibrary;

/// <summary>
/// ReconnectingGameClient against a real server with resume on, its connection running through a
/// <see cref="NetworkLink"/> that the tests cut and take down: it comes back by itself and resumes,
/// falls back to a fresh session in the same rooms when the resume is refused, and stays away after
/// a dispose, BYE, kick, or when it gives up. Every wait is for something the client or the server
/// says, bounded by <see cref="WireClient.DefaultTimeout"/>.
/// </summary>
public sealed class ReconnectingGameClientTests : IAsyncLifetime
{
    private const string Room = "reconnect-client";
    private TestServer _server = null!;

    // A window no test waits for by accident, and the admin API for the kick.
    public async Task InitializeAsync() =>
        _server = await TestServer.StartAsync($"""
            game-server.sessions.resume-window = 60s
            {AdminHttp.Hocon}
            """);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    /// <summary>
    /// Quick retries, so a test does not wait out the production delays; no limit on attempts, so
    /// a busy machine cannot make one give up while the test holds the network down; a heartbeat
    /// that only a dead connection misses.
    /// </summary>
    private static ReconnectingGameClientOptions Options(
        string? name = null, string? token = null, int? attempts = null, TimeSpan? heartbeatInterval = null, TimeSpan? heartbeatTimeout = null) => new()
        {
            Name = name,
            SignInToken = token,
            MinReconnectDelay = TimeSpan.FromMilliseconds(50),
            MaxReconnectDelay = TimeSpan.FromMilliseconds(500),
            MaxReconnectAttempts = attempts,
            AttemptTimeout = WireClient.DefaultTimeout,
            HeartbeatInterval = heartbeatInterval ?? TimeSpan.FromSeconds(5),
            HeartbeatTimeout = heartbeatTimeout ?? WireClient.DefaultTimeout,
        };

    private static ReconnectingGameClient Client(string transport, NetworkLink link, ReconnectingGameClientOptions options) => transport switch
    {
        "tcp" => new ReconnectingGameClient("127.0.0.1", link.Port, options),
        "ws" => new ReconnectingGameClient(link.WebSocketUri, options),
        _ => throw new ArgumentOutOfRangeException(nameof(transport), transport, "expected tcp or ws"),
    };

    private static NetworkLink Link(TestServer server, string transport = "tcp") =>
        new(transport == "ws" ? server.HttpEndPoint : server.EndPoint);

    private static string Presence(string what, long userId) =>
        Players.Canon("PRESENCE", $$$"""{"room":"{{{Room}}}","{{{what}}}":{"user_id":{{{userId}}}}}""");

    private static string Relay(long from, int n) =>
        Players.Canon("RELAY", $$$"""{"room":"{{{Room}}}","from":{{{from}}},"data":{"n":{{{n}}}}}""");

    /// <summary>A connected client and its timeline, its Connected state already read off it.</summary>
    private static async Task<(ReconnectingGameClient Client, ClientTimeline Line)> ConnectedAsync(ReconnectingGameClient client)
    {
        var line = new ClientTimeline(client);
        await client.ConnectAsync().Soon();
        Assert.Equal(ConnectionState.Connected, client.State);
        await line.StateAsync(ConnectionState.Connected);
        return (client, line);
    }

    [Theory]
    [InlineData("tcp")]
    [InlineData("ws")]
    public async Task After_a_drop_it_resumes_by_itself_as_the_same_player_in_its_rooms_and_delivers_what_it_missed_once_in_order(string transport)
    {
        await using var link = Link(_server, transport);
        var (other, otherLine) = await ConnectedAsync(new ReconnectingGameClient("127.0.0.1", _server.EndPoint.Port, Options("other")));
        await using var _1 = other;
        await other.JoinAsync(Room).Soon();
        var (ada, line) = await ConnectedAsync(Client(transport, link, Options("ada")));
        await using var _2 = ada;
        await ada.JoinAsync(Room).Soon();
        var userId = ada.UserId;
        Assert.Equal([Room], ada.Rooms);
        Assert.Equal(
            Players.Canon("PRESENCE", $$$"""{"room":"{{{Room}}}","joined":{"user_id":{{{userId}}},"name":"ada"}}"""),
            await otherLine.PushAsync());

        // The network fails and stays down while the room goes on without ada.
        link.GoDown();
        var dropped = await line.StateAsync(ConnectionState.Reconnecting);
        Assert.NotNull(dropped.Reason);
        Assert.Equal(userId, (await otherLine.NextAsync<MemberPresence>("away")).UserId);
        Assert.Equal(Presence("away", userId), await otherLine.PushAsync());
        for (var n = 1; n <= 3; n++)
        {
            await other.RelayAsync(Room, $$"""{"n":{{n}}}""");
        }

        // Answered after the room handed out the relays: they are in the detached session's buffer.
        await other.WhoAsync(Room).Soon();
        link.ComeBack();

        await line.StateAsync(ConnectionState.Connected);
        var resumed = await line.NextAsync<ResumedSession>("resumed");
        Assert.Equal((userId, "ada", 3), (resumed.UserId, resumed.Name, resumed.Missed));
        Assert.Equal([Room], resumed.Rooms);
        for (var n = 1; n <= 3; n++)
        {
            Assert.Equal(Relay(other.UserId, n), await line.PushAsync());
        }

        Assert.Equal(userId, ada.UserId);
        Assert.Equal([Room], ada.Rooms);
        Assert.Equal(userId, (await otherLine.NextAsync<MemberPresence>("back")).UserId);
        Assert.Equal(Presence("back", userId), await otherLine.PushAsync());

        // Live again, and nothing came twice: the next push after a live relay is the WHO sentinel.
        await other.RelayAsync(Room, """{"n":4}""");
        Assert.Equal(Relay(other.UserId, 4), await line.PushAsync());
        await ada.SendAsync("WHO", $$"""{"room":"{{Room}}"}""");
        Assert.StartsWith("WHO ", await line.PushAsync());
        Assert.Equal(2, link.Passed);
    }

    [Fact]
    public async Task When_the_resume_is_refused_it_starts_a_fresh_session_signed_in_again_and_back_in_its_rooms()
    {
        // A short window, waited out while the network is down.
        await using var server = await TestServer.StartAsync($"""
            game-server.sessions.resume-window = 1s
            {TestTokens.Hs256Hocon()}
            """);
        await using var link = Link(server);
        await using var other = await server.ConnectPlayerAsync("other");
        await other.JoinAsync(Room).Soon();
        var (ada, line) = await ConnectedAsync(new ReconnectingGameClient("127.0.0.1", link.Port, Options(token: TestTokens.Hs256("acct-ada", "Ada"))));
        await using var _ = ada;
        await ada.JoinAsync(Room).Soon();
        var oldId = ada.UserId;
        await other.NextUntilAsync("PRESENCE");

        link.GoDown();
        await line.StateAsync(ConnectionState.Reconnecting);
        Assert.Equal(Presence("away", oldId), Players.Canon(await other.NextAsync()));
        Assert.Equal(Presence("left", oldId), Players.Canon(await other.NextAsync()));
        link.ComeBack();

        await line.StateAsync(ConnectionState.Connected);
        var lost = await line.NextAsync<LostSession>("lost");
        Assert.Equal(oldId, lost.PreviousUserId);
        Assert.NotEqual(oldId, lost.UserId);
        Assert.Equal(lost.UserId, ada.UserId);
        Assert.Contains("bad_session", lost.Reason);
        Assert.Equal([Room], lost.Rooms);
        Assert.Empty(lost.RoomsNotRejoined);
        Assert.Equal([Room], ada.Rooms);

        // The others see the new player join, signed in with the same token as before.
        var joined = await other.NextAsync();
        Assert.Equal(
            Players.Canon("PRESENCE", $$$"""{"room":"{{{Room}}}","joined":{"user_id":{{{ada.UserId}}},"name":"Ada","account":"acct-ada"}}"""),
            Players.Canon(joined));
        await other.RelayAsync(Room, """{"n":1}""");
        Assert.Equal(Relay(other.UserId, 1), await line.PushAsync());
    }

    [Fact]
    public async Task After_a_server_shutdown_it_comes_back_to_the_restarted_server_as_a_fresh_session_in_its_rooms()
    {
        var first = await TestServer.StartAsync("""
            game-server.sessions.resume-window = 60s
            game-server.shutdown.reconnect-after = 200ms
            """);
        await using var link = Link(first);
        var (ada, line) = await ConnectedAsync(new ReconnectingGameClient("127.0.0.1", link.Port, Options("ada")));
        await using var _1 = ada;
        await ada.JoinAsync(Room).Soon();
        var oldId = ada.UserId;

        await first.DisposeAsync();
        var shutdown = await line.NextAsync(2);
        Assert.StartsWith("SHUTDOWN ", Players.Canon(Assert.IsType<ServerFrame>(shutdown.Single(e => e.Kind == "push").Value)));
        Assert.Equal(ConnectionState.Reconnecting, Assert.IsType<ConnectionStateChange>(shutdown.Single(e => e.Kind == "state").Value).State);

        // Attempts fail until the server is back, at another address behind the same link (down
        // meanwhile, so that no attempt reaches whatever may take the old port).
        link.GoDown();
        await using var second = await TestServer.StartAsync("game-server.sessions.resume-window = 60s");
        link.Target = second.EndPoint;
        link.ComeBack();
        await line.StateAsync(ConnectionState.Connected);
        var lost = await line.NextAsync<LostSession>("lost");
        Assert.Equal(oldId, lost.PreviousUserId);
        Assert.Contains("shut down", lost.Reason);
        Assert.Equal([Room], lost.Rooms);

        await using var other = await second.ConnectPlayerAsync("other");
        var who = await other.WhoAsync(Room).Soon();
        Assert.Equal(
            [(ada.UserId, "ada")],
            who.Message.GetProperty("members").EnumerateArray().Select(m => (m.GetProperty("user_id").GetInt64(), m.GetProperty("name").GetString())));
    }

    [Fact]
    public async Task A_connection_that_went_silent_is_found_dead_by_the_heartbeat_and_its_session_taken_over_by_the_next()
    {
        await using var link = Link(_server);
        var (ada, line) = await ConnectedAsync(new ReconnectingGameClient(
            "127.0.0.1", link.Port, Options("ada", heartbeatInterval: TimeSpan.FromMilliseconds(100), heartbeatTimeout: TimeSpan.FromSeconds(3))));
        await using var _ = ada;
        await ada.JoinAsync(Room).Soon();

        // A pulled cable: no FIN, no reset, on either side; only the unanswered PING tells.
        link.Silence();

        Assert.IsType<TimeoutException>((await line.StateAsync(ConnectionState.Reconnecting)).Reason);
        await line.StateAsync(ConnectionState.Connected);

        // The server has not noticed the old connection's end yet; the RESUME takes the session
        // over from it: the same player, in the same room.
        var userId = ada.UserId;
        var resumed = await line.NextAsync<ResumedSession>("resumed");
        Assert.Equal(userId, resumed.UserId);
        Assert.Equal([Room], resumed.Rooms);
        Assert.Equal(userId, ada.UserId);
        await ada.PingAsync().Soon();
        Assert.Equal(2, link.Passed);
    }

    [Fact]
    public async Task A_disposed_client_does_not_reconnect_and_the_server_keeps_its_session_as_for_a_drop()
    {
        await using var link = Link(_server);
        await using var other = await _server.ConnectPlayerAsync("other");
        await other.JoinAsync(Room).Soon();
        var (ada, line) = await ConnectedAsync(new ReconnectingGameClient("127.0.0.1", link.Port, Options("ada")));
        await ada.JoinAsync(Room).Soon();
        await other.NextUntilAsync("PRESENCE");

        await ada.DisposeAsync();

        Assert.Equal(ConnectionState.Disconnected, ada.State);
        Assert.Null((await line.StateAsync(ConnectionState.Disconnected)).Reason);
        Assert.Null(await line.EndAsync());
        Assert.Equal(Presence("away", ada.UserId), Players.Canon(await other.NextAsync()));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => ada.PingAsync());

        // DisposeAsync returned after the client's loop ended, so nothing is left to reconnect; ten
        // times the first retry delay only confirms it (a busy machine can only hide a failure here).
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        Assert.Equal(1, link.Passed);
    }

    [Fact]
    public async Task Bye_ends_the_session_at_once_and_does_not_reconnect()
    {
        await using var link = Link(_server);
        await using var other = await _server.ConnectPlayerAsync("other");
        await other.JoinAsync(Room).Soon();
        var (ada, line) = await ConnectedAsync(new ReconnectingGameClient("127.0.0.1", link.Port, Options("ada")));
        await using var _ = ada;
        await ada.JoinAsync(Room).Soon();
        await other.NextUntilAsync("PRESENCE");

        await ada.ByeAsync().Soon();

        Assert.Equal(ConnectionState.Disconnected, ada.State);
        Assert.Null((await line.StateAsync(ConnectionState.Disconnected)).Reason);
        Assert.Null(await line.EndAsync());
        Assert.Equal(Presence("left", ada.UserId), Players.Canon(await other.NextAsync()));
        await Assert.ThrowsAsync<IOException>(() => ada.PingAsync());
        Assert.Equal(1, link.Passed);
    }

    [Fact]
    public async Task A_kicked_client_stops_with_the_reason_and_does_not_come_back()
    {
        await using var link = Link(_server);
        using var admin = new AdminHttp(_server);
        var (ada, line) = await ConnectedAsync(new ReconnectingGameClient("127.0.0.1", link.Port, Options("ada")));
        await using var _1 = ada;

        var (status, _) = await admin.PostAsync($"/admin/api/players/{ada.UserId}/kick", """{"reason":"cheating"}""");

        Assert.Equal(HttpStatusCode.OK, status);
        var stopped = await line.NextAsync(2);
        Assert.Equal(
            Players.Canon("ERROR", """{"code":"kicked","detail":"cheating"}"""),
            Players.Canon(Assert.IsType<ServerFrame>(stopped.Single(e => e.Kind == "push").Value)));
        var disconnected = Assert.IsType<ConnectionStateChange>(stopped.Single(e => e.Kind == "state").Value);
        Assert.Equal(ConnectionState.Disconnected, disconnected.State);
        var kicked = Assert.IsType<GameServerException>(disconnected.Reason);
        Assert.Equal(("kicked", "cheating"), (kicked.Code, kicked.Detail));
        Assert.Null(await line.EndAsync());
        Assert.Equal(1, link.Passed);
    }

    [Fact]
    public async Task It_gives_up_after_the_attempts_allowed_and_says_why()
    {
        await using var link = Link(_server);
        var (ada, line) = await ConnectedAsync(new ReconnectingGameClient("127.0.0.1", link.Port, Options("ada", attempts: 2)));
        await using var _ = ada;

        link.GoDown();

        await line.StateAsync(ConnectionState.Reconnecting);
        var gaveUp = Assert.IsType<IOException>((await line.StateAsync(ConnectionState.Disconnected)).Reason);
        Assert.Contains("gave up reconnecting after 2 attempts", gaveUp.Message);
        Assert.NotNull(gaveUp.InnerException);
        Assert.Same(gaveUp, await line.EndAsync());
        await Assert.ThrowsAsync<IOException>(() => ada.PingAsync());
        Assert.Equal(1, link.Passed);
    }
}
