using ActorGameServer.Server.Tests.Support;

namespace ActorGameServer.Server.Tests.EndToEnd;

/// <summary>How a dropped session ends without a RESUME: its window runs out, its buffer fills, or the server closed it on purpose.</summary>
public sealed class ResumeEndTests : IAsyncLifetime
{
    private TestServer _server = null!;

    // A short window, for the test that waits it out.
    public async Task InitializeAsync() => _server = await TestServer.StartAsync("game-server.sessions.resume-window = 2s");

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static string Presence(string room, string what, long userId) =>
        Players.Canon("PRESENCE", $$$"""{"room":"{{{room}}}","{{{what}}}":{"user_id":{{{userId}}}}}""");

    [Fact]
    public async Task After_the_window_the_others_see_left_and_the_token_is_bad_session()
    {
        await using var other = await _server.ConnectPlayerAsync("other");
        await other.JoinAsync("hall").Soon();
        var (dropped, userId, session) = await ResumeTests.JoinedWirePlayerAsync(_server, "tcp", "hall");
        await other.NextAsync();
        await dropped.DisposeAsync();

        Assert.Equal(Presence("hall", "away", userId), Players.Canon(await other.NextAsync()));
        Assert.Equal(Presence("hall", "left", userId), Players.Canon(await other.NextAsync()));
        var (late, _) = await _server.ConnectWelcomedAsync("websocket");
        await using var _1 = late;
        Assert.Equal("bad_session", (string?)(await ResumeTests.ResumeAsync(late, session))["message"]!["code"]);
    }

    [Fact]
    public async Task More_pushes_than_the_buffer_holds_end_the_session_as_a_leave()
    {
        // A window no test waits out: only the buffer can end this session.
        await using var server = await TestServer.StartAsync("game-server.sessions { resume-window = 10m, max-buffered-bytes = 2k }");
        await using var other = await server.ConnectPlayerAsync("other");
        await other.JoinAsync("hall").Soon();
        var (dropped, userId, _) = await ResumeTests.JoinedWirePlayerAsync(server, "tcp", "hall");
        await other.NextAsync();
        await dropped.DisposeAsync();
        Assert.Equal(Presence("hall", "away", userId), Players.Canon(await other.NextAsync()));

        var padding = new string('x', 500);
        for (var i = 0; i < 8; i++)
        {
            await other.RelayAsync("hall", $$"""{"pad":"{{padding}}"}""");
        }

        Assert.Equal(Presence("hall", "left", userId), Players.Canon(await other.NextAsync()));
    }

    [Fact]
    public async Task A_protocol_error_ends_the_session_at_once_with_no_away()
    {
        await using var other = await _server.ConnectPlayerAsync("other");
        await other.JoinAsync("hall").Soon();
        var (bad, userId, _) = await ResumeTests.JoinedWirePlayerAsync(_server, "tcp", "hall");
        await using var _1 = bad;
        await other.NextAsync();
        await bad.SendJsonAsync("not json");

        Assert.Equal(Presence("hall", "left", userId), Players.Canon(await other.NextAsync()));
    }
}
