using ActorGameServer.Server.Tests.Support;

namespace ActorGameServer.Server.Tests.EndToEnd;

/// <summary>HELLO: which names are accepted, how they are cleaned, and where others see them.</summary>
public sealed class NameTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData("Ada", "Ada")]
    [InlineData("  Ada Lovelace \t\n", "Ada Lovelace")]
    [InlineData("x", "x")]
    [InlineData("0123456789abcdef0123456789abcdef", "0123456789abcdef0123456789abcdef")] // 32
    [InlineData("  0123456789abcdef0123456789abcdef  ", "0123456789abcdef0123456789abcdef")] // 32 after trimming
    [InlineData("Zoë \"the\" <Ünïcode> ☃", "Zoë \"the\" <Ünïcode> ☃")]
    public async Task Hello_trims_the_name_and_others_in_a_room_see_it(string sent, string shown)
    {
        await using var player = await _server.ConnectPlayerAsync();
        await using var other = await _server.ConnectPlayerAsync();
        await other.JoinAsync("names").Soon();

        var ok = await player.HelloAsync(sent).Soon();
        Assert.Equal("HELLO_OK", ok.Cmd);
        Assert.Equal(player.UserId, ok.Message.GetProperty("user_id").GetInt64());
        Assert.Equal(shown, ok.Message.GetProperty("name").GetString());

        var joined = await player.JoinAsync("names").Soon();
        var self = joined.Message.GetProperty("members").EnumerateArray().Single(m => m.GetProperty("user_id").GetInt64() == player.UserId);
        Assert.Equal(shown, self.GetProperty("name").GetString());
        var presence = await other.NextAsync();
        Assert.Equal("PRESENCE", presence.Cmd);
        Assert.Equal(player.UserId, presence.Message.GetProperty("joined").GetProperty("user_id").GetInt64());
        Assert.Equal(shown, presence.Message.GetProperty("joined").GetProperty("name").GetString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\t\r\n")]
    [InlineData("0123456789abcdef0123456789abcdef!")] // 33
    [InlineData("bell\u0007")]
    [InlineData("tab\tinside")]
    [InlineData("new\nline")]
    [InlineData("nul\u0000byte")]
    [InlineData("del\u007f")]
    [InlineData("c1\u0085control")]
    public async Task A_bad_name_is_refused_with_bad_name_and_the_old_name_stays(string name)
    {
        await using var player = await _server.ConnectPlayerAsync("Before");

        await player.HelloAsync(name).ExpectErrorAsync("bad_name");

        await player.AssertStillServedAsync();
        var joined = await player.JoinAsync("after-bad-name").Soon();
        Assert.Equal("Before", joined.Message.GetProperty("members")[0].GetProperty("name").GetString());
    }

    [Fact]
    public async Task Hello_without_a_string_name_is_a_bad_request()
    {
        await using var player = await _server.ConnectPlayerAsync();

        await player.RequestAsync("HELLO", "{}").ExpectErrorAsync("bad_request");
        await player.RequestAsync("HELLO", """{"name":42}""").ExpectErrorAsync("bad_request");
        await player.RequestAsync("HELLO", "\"Ada\"").ExpectErrorAsync("bad_request");

        await player.AssertStillServedAsync();
    }

    [Fact]
    public async Task Hello_while_in_a_room_is_refused_so_everyone_in_it_keeps_agreeing_on_the_name()
    {
        await using var player = await _server.ConnectPlayerAsync("First");
        await using var other = await _server.ConnectPlayerAsync("Other");
        await other.JoinAsync("agree").Soon();
        await player.JoinAsync("agree").Soon();

        await player.HelloAsync("Second").ExpectErrorAsync("bad_request");

        await player.AssertStillServedAsync();
        var who = await other.WhoAsync("agree").Soon(); // Ordered by user_id: player connected first.
        Assert.Equal(["First", "Other"], who.Message.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("name").GetString()));

        // Once out of every room, the player may rename itself.
        await player.LeaveAsync("agree").Soon();
        Assert.Equal("Second", (await player.HelloAsync("Second").Soon()).Message.GetProperty("name").GetString());
    }
}
