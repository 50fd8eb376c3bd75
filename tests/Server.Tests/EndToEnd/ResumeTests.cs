using ActorGameServer.Client;
using ActorGameServer.Server.Tests.Support;
using Newtonsoft.Json.Linq;

namespace ActorGameServer.Server.Tests.EndToEnd;

/// <summary>RESUME: a player whose connection dropped takes its session back on a new one, on either transport.</summary>
public sealed class ResumeTests : IAsyncLifetime
{
    private TestServer _server = null!;

    // Long enough that no test waits for it by accident; ResumeExpiryTests waits for a short one.
    public async Task InitializeAsync() => _server = await TestServer.StartAsync("game-server.sessions.resume-window = 60s");

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static string Presence(string room, string what, long userId) =>
        Players.Canon("PRESENCE", $$$"""{"room":"{{{room}}}","{{{what}}}":{"user_id":{{{userId}}}}}""");

    /// <summary>A wire player that joined <paramref name="room"/>: its client, user id and session token.</summary>
    internal static async Task<(IWireClient Client, long UserId, string Session)> JoinedWirePlayerAsync(TestServer server, string transport, string room)
    {
        var (client, welcome) = await server.ConnectWelcomedAsync(transport);
        await client.SendJsonAsync($$$"""{"cmd":"JOIN","message":{"room":"{{{room}}}"}}""");
        Assert.Equal("JOINED", (string?)(await client.ReadFrameAsync())["cmd"]);
        return (client, (long)welcome["user_id"]!, (string)welcome["session"]!);
    }

    internal static async Task<JObject> ResumeAsync(IWireClient client, string session)
    {
        await client.SendJsonAsync($$"""{"cmd":"RESUME","message":{"session":"{{session}}"},"id":1}""");
        return await client.ReadFrameAsync();
    }

    [Theory]
    [InlineData("tcp", "tcp")]
    [InlineData("tcp", "websocket")]
    [InlineData("websocket", "tcp")]
    public async Task A_dropped_player_resumes_with_its_id_and_rooms_gets_what_it_missed_once_in_order_and_the_others_see_away_then_back(string first, string second)
    {
        await using var other = await _server.ConnectPlayerAsync("other");
        await other.JoinAsync("hall").Soon();
        var (dropped, userId, session) = await JoinedWirePlayerAsync(_server, first, "hall");
        await other.NextAsync(); // Its PRESENCE joined.

        await dropped.DisposeAsync();
        Assert.Equal(Presence("hall", "away", userId), Players.Canon(await other.NextAsync()));
        for (var i = 1; i <= 3; i++)
        {
            await other.RelayAsync("hall", $$"""{"n":{{i}}}""");
        }

        // WHO is answered after the room sent what it held, through the same LocalRoom that hands
        // the relays to the dropped session: once it is here, they are kept for the RESUME.
        await other.WhoAsync("hall").Soon();
        var (back, welcome) = await _server.ConnectWelcomedAsync(second);
        await using var _ = back;
        Assert.NotNull(welcome["session"]);

        var resumed = await ResumeAsync(back, session);
        Assert.Equal("RESUMED", (string?)resumed["cmd"]);
        Assert.Equal(userId, (long)resumed["message"]!["user_id"]!);
        Assert.Equal(["hall"], resumed["message"]!["rooms"]!.Select(r => (string)r!));
        Assert.Equal(3, (int)resumed["message"]!["missed"]!);
        Assert.Equal(1, (int)resumed["id"]!);
        var next = (string)resumed["message"]!["session"]!;
        Assert.NotEqual(session, next);
        for (var i = 1; i <= 3; i++)
        {
            var relay = await back.ReadFrameAsync();
            Assert.Equal("RELAY", (string?)relay["cmd"]);
            Assert.Equal(i, (int)relay["message"]!["data"]!["n"]!);
        }

        Assert.Equal(Presence("hall", "back", userId), Players.Canon(await other.NextAsync()));

        // Live again, both ways, in the same room, and nothing was sent twice.
        await other.RelayAsync("hall", """{"n":4}""");
        var live = await back.ReadFrameAsync();
        Assert.Equal(4, (int)live["message"]!["data"]!["n"]!);
        await back.SendJsonAsync("""{"cmd":"RELAY","message":{"room":"hall","data":{"from":"back"}}}""");
        var relayed = await other.NextAsync();
        Assert.Equal("RELAY", relayed.Cmd);
        Assert.Equal(userId, (long)JObject.Parse(relayed.RawMessage.ToString())["from"]!);
        await back.SendJsonAsync("""{"cmd":"PING","message":{}}""");
        Assert.Equal("PONG", (string?)(await back.ReadFrameAsync())["cmd"]);
        Assert.Equal(2, await _server.OnlineCountAsync());
    }

    [Fact]
    public async Task A_used_token_a_forged_token_and_an_other_nodes_token_get_bad_session_and_the_connection_stays_the_fresh_player()
    {
        var (dropped, _, session) = await JoinedWirePlayerAsync(_server, "tcp", "hall");
        await dropped.DisposeAsync();
        var (first, _) = await _server.ConnectWelcomedAsync("tcp");
        await using var _1 = first;
        Assert.Equal("RESUMED", (string?)(await ResumeAsync(first, session))["cmd"]);

        var (again, againWelcome) = await _server.ConnectWelcomedAsync("tcp");
        await using var _2 = again;
        var used = await ResumeAsync(again, session);
        Assert.Equal("bad_session", (string?)used["message"]!["code"]);
        await again.SendJsonAsync("""{"cmd":"PING","message":{}}""");
        Assert.Equal("PONG", (string?)(await again.ReadFrameAsync())["cmd"]); // Still open, as the fresh player.

        var forged = session[..^4] + (session.EndsWith("AAAA", StringComparison.Ordinal) ? "BBBB" : "AAAA");
        var (guesser, _) = await _server.ConnectWelcomedAsync("websocket");
        await using var _3 = guesser;
        Assert.Equal("bad_session", (string?)(await ResumeAsync(guesser, forged))["message"]!["code"]);
        var (junk, _) = await _server.ConnectWelcomedAsync("tcp");
        await using var _4 = junk;
        Assert.Equal("bad_session", (string?)(await ResumeAsync(junk, "not-a-token"))["message"]!["code"]);

        // A token whose user id is node 2's (ids of node n start at (n - 1) << 32): refused, saying why.
        var bytes = new byte[40];
        BitConverter.GetBytes((1L << 32) | 5).CopyTo(bytes, 0);
        var foreign = Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var (elsewhere, _) = await _server.ConnectWelcomedAsync("tcp");
        await using var _5 = elsewhere;
        var refused = await ResumeAsync(elsewhere, foreign);
        Assert.Equal("bad_session", (string?)refused["message"]!["code"]);
        Assert.Contains("node 2", (string?)refused["message"]!["detail"]);
        Assert.NotNull(againWelcome["session"]);
    }

    [Theory]
    [InlineData("tcp")]
    [InlineData("websocket")]
    public async Task A_resume_while_the_old_connection_still_looks_open_takes_the_session_over_and_closes_the_old_one(string transport)
    {
        await using var other = await _server.ConnectPlayerAsync("other");
        await other.JoinAsync("hall").Soon();
        var (stale, userId, session) = await JoinedWirePlayerAsync(_server, transport, "hall");
        await using var _1 = stale;
        await other.NextAsync(); // Its PRESENCE joined.

        // A pulled cable: the player knows its connection is dead; the server cannot tell yet.
        var (fresh, _) = await _server.ConnectWelcomedAsync(transport);
        await using var _2 = fresh;
        var resumed = await ResumeAsync(fresh, session);

        Assert.Equal("RESUMED", (string?)resumed["cmd"]);
        Assert.Equal(userId, (long)resumed["message"]!["user_id"]!);
        Assert.Equal(["hall"], resumed["message"]!["rooms"]!.Select(r => (string)r!));
        Assert.True(await stale.IsClosedByServerAsync());
        Assert.Equal(Presence("hall", "away", userId), Players.Canon(await other.NextAsync()));
        Assert.Equal(Presence("hall", "back", userId), Players.Canon(await other.NextAsync()));
        await other.RelayAsync("hall", """{"n":1}""");
        Assert.Equal(1, (int)(await fresh.ReadFrameAsync())["message"]!["data"]!["n"]!);
        Assert.Equal(2, await _server.OnlineCountAsync());
    }

    [Fact]
    public async Task Resume_after_another_request_is_a_bad_request()
    {
        var (dropped, _, session) = await JoinedWirePlayerAsync(_server, "tcp", "hall");
        await dropped.DisposeAsync();
        var (late, _) = await _server.ConnectWelcomedAsync("tcp");
        await using var _1 = late;
        await late.SendJsonAsync("""{"cmd":"PING","message":{}}""");
        Assert.Equal("PONG", (string?)(await late.ReadFrameAsync())["cmd"]);
        Assert.Equal("bad_request", (string?)(await ResumeAsync(late, session))["message"]!["code"]);

        // The session was not spent by that: a proper RESUME still takes it.
        var (proper, _) = await _server.ConnectWelcomedAsync("tcp");
        await using var _2 = proper;
        Assert.Equal("RESUMED", (string?)(await ResumeAsync(proper, session))["cmd"]);
    }

    [Fact]
    public async Task Bye_ends_the_session_at_once_the_others_see_left_and_its_token_is_dead()
    {
        await using var other = await _server.ConnectPlayerAsync("other");
        await other.JoinAsync("hall").Soon();
        var (leaving, userId, session) = await JoinedWirePlayerAsync(_server, "tcp", "hall");
        await other.NextAsync();

        await leaving.SendJsonAsync("""{"cmd":"BYE","message":{}}""");
        Assert.True(await leaving.IsClosedByServerAsync());
        Assert.Equal(Players.Canon("PRESENCE", $$$"""{"room":"hall","left":{"user_id":{{{userId}}}}}"""), Players.Canon(await other.NextAsync()));
        await leaving.DisposeAsync();

        var (late, _) = await _server.ConnectWelcomedAsync("tcp");
        await using var _1 = late;
        Assert.Equal("bad_session", (string?)(await ResumeAsync(late, session))["message"]!["code"]);
    }
}
