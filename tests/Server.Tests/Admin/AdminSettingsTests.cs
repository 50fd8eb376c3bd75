using ActorGameServer.Server.Configuration;

namespace ActorGameServer.Server.Tests.Admin;

/// <summary>game-server.admin.token, as an operator sets it in HOCON or in the environment.</summary>
public sealed class AdminSettingsTests
{
    [Fact]
    public void The_admin_API_is_off_by_default()
    {
        Assert.False(GameServerSettings.From(ServerConfig.Load(null, _ => null)).Admin.Enabled);
    }

    [Fact]
    public void The_environment_variable_sets_the_token()
    {
        var admin = GameServerSettings.From(ServerConfig.Load(null, name => name == "GAME_SERVER_ADMIN_TOKEN" ? "0123456789abcdef-env" : null)).Admin;

        Assert.True(admin.Enabled);
        Assert.Equal("0123456789abcdef-env", admin.Token);
    }

    [Fact]
    public void A_token_shorter_than_16_characters_is_refused_without_being_echoed()
    {
        var error = Assert.Throws<ConfigurationException>(() => GameServerSettings.From(ServerConfig.LoadWith("""game-server.admin.token = "short-secret" """)));

        Assert.StartsWith("game-server.admin.token", error.Message);
        Assert.Contains("at least 16", error.Message);
        Assert.DoesNotContain("short-secret", error.Message);
    }

    [Fact]
    public void The_settings_never_print_the_token()
    {
        var settings = GameServerSettings.From(ServerConfig.LoadWith("""game-server.admin.token = "do-not-print-me-0123456789" """));

        Assert.DoesNotContain("do-not-print-me", settings.ToString());
        Assert.Contains("Enabled = True", settings.Admin.ToString());
    }
}
