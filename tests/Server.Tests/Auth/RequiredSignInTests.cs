using ActorGameServer.Server.Tests.Support;

namespace ActorGameServer.Server.Tests.Auth;

/// <summary>auth.required and auth.single-session, on a real server, over both transports.</summary>
public sealed class RequiredSignInTests
{
    [Fact]
    public async Task Before_sign_in_only_ping_and_hello_are_served_and_after_it_everything_is()
    {
        await using var server = await TestServer.StartAsync(TestTokens.Hs256Hocon("required = on, timeout = 1m"));
        await using var player = await server.ConnectPlayerAsync();

        await player.JoinAsync("lobby").ExpectErrorAsync("unauthenticated");
        await player.RoomsAsync().ExpectErrorAsync("unauthenticated");
        await player.RequestAsync("NOPE", "{}").ExpectErrorAsync("unauthenticated");
        await player.AssertStillServedAsync(); // PING
        await player.HelloAsync("NoToken").Soon(); // HELLO is served: naming oneself is not signing in...
        await player.WhoAsync("lobby").ExpectErrorAsync("unauthenticated"); // ...so the rest still waits.
        await player.HelloAsync(null, "bad").ExpectErrorAsync("bad_token");

        await player.HelloAsync(null, TestTokens.Hs256("acct-req")).Soon();
        await player.JoinAsync("lobby").Soon();
    }

    [Theory]
    [MemberData(nameof(WireClients.Transports), MemberType = typeof(WireClients))]
    public async Task A_connection_not_signed_in_within_the_timeout_is_closed_with_unauthenticated(string transport)
    {
        await using var server = await TestServer.StartAsync(TestTokens.Hs256Hocon("required = on, timeout = 300ms"));
        var (client, _) = await server.ConnectWelcomedAsync(transport);
        await using var _ = client;

        var error = await client.ReadFrameAsync();

        Assert.Equal("ERROR", (string?)error["cmd"]);
        Assert.Equal("unauthenticated", (string?)error["message"]!["code"]);
        Assert.True(await client.IsClosedByServerAsync());
        await server.WaitForOnlineCountAsync(0);
    }

    [Fact]
    public async Task A_signed_in_connection_outlives_the_timeout()
    {
        await using var server = await TestServer.StartAsync(TestTokens.Hs256Hocon("required = on, timeout = 300ms"));
        await using var player = await server.ConnectPlayerAsync();
        await player.HelloAsync(null, TestTokens.Hs256("acct-stays")).Soon();
        await using var late = await server.ConnectPlayerAsync(); // Not signed in: closed by the sweep.

        await server.WaitForOnlineCountAsync(1);
        await player.AssertStillServedAsync();
    }

    [Theory]
    [MemberData(nameof(WireClients.Transports), MemberType = typeof(WireClients))]
    public async Task With_single_session_a_second_sign_in_replaces_the_first_connection(string transport)
    {
        await using var server = await TestServer.StartAsync(TestTokens.Hs256Hocon("single-session = on"));
        var token = TestTokens.Hs256("acct-single", "Solo");
        var (first, _) = await server.ConnectWelcomedAsync(transport);
        await using var _ = first;
        await first.SendJsonAsync($$$"""{"cmd":"HELLO","message":{"token":"{{{token}}}"}}""");
        Assert.Equal("HELLO_OK", (string?)(await first.ReadFrameAsync())["cmd"]);
        await using var other = await server.ConnectPlayerAsync();
        await other.HelloAsync(null, TestTokens.Hs256("acct-other")).Soon(); // Another account: nobody is replaced.

        var (second, _) = await server.ConnectWelcomedAsync(transport);
        await using var __ = second;
        await second.SendJsonAsync($$$"""{"cmd":"HELLO","id":1,"message":{"token":"{{{token}}}"}}""");
        Assert.Equal("HELLO_OK", (string?)(await second.ReadFrameAsync())["cmd"]);

        var replaced = await first.ReadFrameAsync();
        Assert.Equal("ERROR", (string?)replaced["cmd"]);
        Assert.Equal("replaced", (string?)replaced["message"]!["code"]);
        Assert.True(await first.IsClosedByServerAsync());
        await server.WaitForOnlineCountAsync(2);
        await second.SendJsonAsync("""{"cmd":"PING","message":{}}""");
        Assert.Equal("PONG", (string?)(await second.ReadFrameAsync())["cmd"]);
        await other.AssertStillServedAsync();
    }

    [Fact]
    public async Task With_single_session_a_sign_in_while_the_first_connection_is_dropped_ends_its_waiting_session()
    {
        await using var server = await TestServer.StartAsync(TestTokens.Hs256Hocon("single-session = on") + "\ngame-server.sessions.resume-window = 60s");
        var token = TestTokens.Hs256("acct-dropped", "Solo");
        await using var watcher = await server.ConnectPlayerAsync("watcher");
        await watcher.JoinAsync("lobby").Soon();
        var (first, welcome) = await server.ConnectWelcomedAsync("tcp");
        var firstId = (long)welcome["user_id"]!;
        await first.SendJsonAsync($$$"""{"cmd":"HELLO","message":{"token":"{{{token}}}"}}""");
        Assert.Equal("HELLO_OK", (string?)(await first.ReadFrameAsync())["cmd"]);
        await first.SendJsonAsync("""{"cmd":"JOIN","message":{"room":"lobby"}}""");
        Assert.Equal("JOINED", (string?)(await first.ReadFrameAsync())["cmd"]);
        await watcher.NextAsync(); // Its PRESENCE joined.
        await first.DisposeAsync();
        Assert.Equal("away", (await watcher.NextAsync()).Message.EnumerateObject().Select(p => p.Name).Single(n => n != "room"));

        // The same account signs in on a new connection: the dropped session will not come back, so it leaves now, not after 60 s.
        var (second, _) = await server.ConnectWelcomedAsync("tcp");
        await using var _ = second;
        await second.SendJsonAsync($$$"""{"cmd":"HELLO","id":1,"message":{"token":"{{{token}}}"}}""");
        Assert.Equal("HELLO_OK", (string?)(await second.ReadFrameAsync())["cmd"]);
        var left = await watcher.NextAsync();
        Assert.Equal(firstId, left.Message.GetProperty("left").GetProperty("user_id").GetInt64());
        await server.WaitForOnlineCountAsync(2);
    }
}
