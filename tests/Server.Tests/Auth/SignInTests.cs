using ActorGameServer.Server.Tests.Support;

namespace ActorGameServer.Server.Tests.Auth;

/// <summary>HELLO with a token on a real server, with real clients: who is signed in, and what others see of it.</summary>
public sealed class SignInTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(TestTokens.Hs256Hocon());

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_valid_token_sets_the_account_and_the_name_from_its_claims_and_rooms_list_the_account()
    {
        await using var ada = await _server.ConnectPlayerAsync();
        await using var guest = await _server.ConnectPlayerAsync("Guest");

        var ok = await ada.HelloAsync(name: null, TestTokens.Hs256("acct-ada", "Ada")).Soon();
        Assert.Equal("acct-ada", ok.Message.GetProperty("account").GetString());
        Assert.Equal("Ada", ok.Message.GetProperty("name").GetString());
        Assert.Equal(ada.UserId, ok.Message.GetProperty("user_id").GetInt64());

        await guest.JoinAsync("signed").Soon();
        var joined = await ada.JoinAsync("signed").Soon();
        string[] members = [$"{guest.UserId} Guest -", $"{ada.UserId} Ada acct-ada"];
        Assert.Equal(
            members.Order(),
            joined.Message.GetProperty("members").EnumerateArray().Select(Member).Order());
        var presence = await guest.NextUntilAsync("PRESENCE");
        Assert.Equal("acct-ada", presence.Message.GetProperty("joined").GetProperty("account").GetString());
        var who = await guest.WhoAsync("signed").Soon();
        Assert.Equal(
            members.Order(),
            who.Message.GetProperty("members").EnumerateArray().Select(Member).Order());
    }

    [Fact]
    public async Task A_name_in_hello_wins_over_the_name_claim_and_a_later_hello_without_token_keeps_the_account()
    {
        await using var player = await _server.ConnectWebSocketPlayerAsync();

        var ok = await player.HelloAsync("Chosen", TestTokens.Hs256("acct-1", "FromToken")).Soon();
        Assert.Equal("Chosen", ok.Message.GetProperty("name").GetString());

        var renamed = await player.HelloAsync("Renamed").Soon();
        Assert.Equal("Renamed", renamed.Message.GetProperty("name").GetString());
        Assert.Equal("acct-1", renamed.Message.GetProperty("account").GetString());
    }

    [Fact]
    public async Task A_player_without_a_token_is_served_as_before_with_no_account_field()
    {
        await using var player = await _server.ConnectPlayerAsync();

        var ok = await player.HelloAsync("Plain").Soon();

        Assert.False(ok.Message.TryGetProperty("account", out _));
        await player.JoinAsync("guests").Soon();
    }

    [Fact]
    public async Task An_invalid_or_expired_token_is_bad_token_and_the_connection_stays_open_with_the_old_name()
    {
        await using var player = await _server.ConnectPlayerAsync("Before");

        await player.HelloAsync("After", TestTokens.Hs256("x", change: d =>
        {
            d.IssuedAt = d.NotBefore = DateTime.UtcNow.AddHours(-2);
            d.Expires = DateTime.UtcNow.AddHours(-1);
        })).ExpectErrorAsync("bad_token");
        await player.HelloAsync(null, TestTokens.Hs256("x", change: d => d.Audience = "another-game")).ExpectErrorAsync("bad_token");
        await player.HelloAsync(null, "not-a-jwt").ExpectErrorAsync("bad_token");
        await player.RequestAsync("HELLO", """{"token":42}""").ExpectErrorAsync("bad_request");

        await player.AssertStillServedAsync();
        var joined = await player.JoinAsync("after-bad-token").Soon();
        var self = joined.Message.GetProperty("members")[0];
        Assert.Equal("Before", self.GetProperty("name").GetString());
        Assert.False(self.TryGetProperty("account", out _));
    }

    [Fact]
    public async Task A_valid_rs256_token_signs_in_on_a_server_configured_with_a_public_key_pem()
    {
        var pem = TestTokens.WritePublicKeyPem(TestTokens.Rsa);
        try
        {
            await using var server = await TestServer.StartAsync(TokenValidatorTests.RsaHocon(pem));
            await using var player = await server.ConnectPlayerAsync();

            var ok = await player.HelloAsync(null, TestTokens.Rs256("rsa-acct", "Rosa")).Soon();

            Assert.Equal("rsa-acct", ok.Message.GetProperty("account").GetString());
            Assert.Equal("Rosa", ok.Message.GetProperty("name").GetString());
            await player.HelloAsync(null, TestTokens.Hs256("rsa-acct")).ExpectErrorAsync("bad_token"); // Only RS256 there.
        }
        finally
        {
            File.Delete(pem);
        }
    }

    [Fact]
    public async Task A_token_on_a_server_without_sign_in_is_bad_token()
    {
        await using var server = await TestServer.StartAsync();
        await using var player = await server.ConnectPlayerAsync();

        await player.HelloAsync("Ada", TestTokens.Hs256("acct")).ExpectErrorAsync("bad_token");

        await player.AssertStillServedAsync();
    }

    private static string Member(System.Text.Json.JsonElement member) =>
        $"{member.GetProperty("user_id").GetInt64()} {member.GetProperty("name").GetString()} {(member.TryGetProperty("account", out var account) ? account.GetString() : "-")}";
}
