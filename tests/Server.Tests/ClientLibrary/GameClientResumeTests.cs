using ActorGameServer.Client;
using ActorGameServer.Server.Tests.Support;

namespace ActorGameServer.Server.Tests.ClientLibrary;

/// <summary>
/// The .NET client's side of session resume, against a real server: SessionToken from WELCOME and
/// RESUMED, ResumeAsync on a new client after the old one's connection dropped, bad_session, BYE,
/// and the PRESENCE away/back another GameClient reads from its pushes.
/// </summary>
public sealed class GameClientResumeTests : IAsyncLifetime
{
    private const string Room = "resume-client";
    private TestServer _server = null!;

    // Long enough that no test waits for it by accident.
    public async Task InitializeAsync() => _server = await TestServer.StartAsync("game-server.sessions.resume-window = 60s");

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static async Task<ServerFrame> PresenceAsync(GameClient client, string kind, long userId)
    {
        var frame = await client.NextAsync();
        Assert.Equal("PRESENCE", frame.Cmd);
        Assert.True(frame.Message.TryGetProperty(kind, out var who), $"expected PRESENCE {kind}, got {frame.RawMessage}");
        Assert.Equal(userId, who.GetProperty("user_id").GetInt64());
        Assert.Equal(Room, frame.Message.GetProperty("room").GetString());
        return frame;
    }

    [Theory]
    [InlineData("tcp")]
    [InlineData("ws")]
    public async Task A_new_client_resumes_the_dropped_ones_session_and_reads_what_it_missed_once_in_order(string transport)
    {
        await using var other = await _server.ConnectPlayerAsync("other");
        await other.JoinAsync(Room).Soon();
        var dropped = await _server.ConnectPlayerAsync(transport, "ada");
        await dropped.JoinAsync(Room).Soon();
        await PresenceAsync(other, "joined", dropped.UserId);
        var userId = dropped.UserId;
        var token = dropped.SessionToken;
        Assert.False(string.IsNullOrEmpty(token));
        Assert.Equal(TimeSpan.FromSeconds(60), dropped.ResumeWindow);

        // Disposing without ByeAsync is a drop to the server: the session waits for a RESUME.
        await dropped.DisposeAsync();
        await PresenceAsync(other, "away", userId);
        for (var n = 1; n <= 3; n++)
        {
            await other.RelayAsync(Room, $$"""{"n":{{n}}}""");
        }

        // WHO is answered after the room handed out what it held (see ResumeTests): the three
        // relays are in the detached session's buffer now, not sent live later.
        await other.WhoAsync(Room).Soon();

        await using var back = await _server.ConnectPlayerAsync(transport, name: null);
        Assert.NotEqual(userId, back.UserId);
        var resumed = await back.ResumeAsync(token!).Soon();
        Assert.Equal(userId, resumed.UserId);
        Assert.Equal("ada", resumed.Name);
        Assert.Equal([Room], resumed.Rooms);
        Assert.Equal(3, resumed.Missed);
        Assert.Equal(userId, back.UserId);
        Assert.Equal(resumed.SessionToken, back.SessionToken);
        Assert.NotEqual(token, back.SessionToken);
        for (var n = 1; n <= 3; n++)
        {
            var relay = await back.NextAsync();
            Assert.Equal("RELAY", relay.Cmd);
            Assert.Equal(n, relay.Message.GetProperty("data").GetProperty("n").GetInt32());
        }

        await PresenceAsync(other, "back", userId);
        await other.RelayAsync(Room, """{"n":4}""");
        var live = await back.NextAsync();
        Assert.Equal(4, live.Message.GetProperty("data").GetProperty("n").GetInt32());
        await back.AssertNothingPendingFromRoomAsync(Room);
    }

    [Fact]
    public async Task A_token_no_session_waits_for_throws_bad_session_and_the_client_goes_on_as_its_fresh_player()
    {
        await using var client = await _server.ConnectPlayerAsync();
        var userId = client.UserId;
        var token = client.SessionToken;

        var refused = await Assert.ThrowsAsync<GameServerException>(() => client.ResumeAsync("AgAAAAAAAAAnot-a-session").Soon());
        Assert.Equal("bad_session", refused.Code);
        Assert.Equal(userId, client.UserId);
        Assert.Equal(token, client.SessionToken);
        await client.JoinAsync(Room).Soon();
        await client.AssertStillServedAsync();
    }

    [Fact]
    public async Task Bye_ends_the_session_at_once_so_the_others_see_left_and_its_token_resumes_nothing()
    {
        await using var other = await _server.ConnectPlayerAsync("other");
        await other.JoinAsync(Room).Soon();
        var leaving = await _server.ConnectPlayerAsync("ada");
        await leaving.JoinAsync(Room).Soon();
        await PresenceAsync(other, "joined", leaving.UserId);
        var token = leaving.SessionToken!;

        await leaving.ByeAsync().Soon();
        Assert.Null(leaving.SessionToken);
        await leaving.DisposeAsync();
        await PresenceAsync(other, "left", leaving.UserId);

        await using var again = await _server.ConnectPlayerAsync();
        var refused = await Assert.ThrowsAsync<GameServerException>(() => again.ResumeAsync(token).Soon());
        Assert.Equal("bad_session", refused.Code);
    }
}
