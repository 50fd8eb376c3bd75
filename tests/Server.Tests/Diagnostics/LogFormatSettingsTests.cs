using ActorGameServer.Server.Configuration;
using ActorGameServer.Server.Diagnostics;

namespace ActorGameServer.Server.Tests.Diagnostics;

/// <summary><c>game-server.log-format</c> as an operator sets it, in HOCON or in the environment.</summary>
public sealed class LogFormatSettingsTests
{
    [Fact]
    public void Text_is_the_default() =>
        Assert.Equal(LogFormat.Text, FromEnvironment(null));

    [Theory]
    [InlineData("text", LogFormat.Text)]
    [InlineData("json", LogFormat.Json)]
    public void The_environment_variable_sets_it(string value, LogFormat format) =>
        Assert.Equal(format, FromEnvironment(value));

    [Fact]
    public void The_hocon_key_sets_it() =>
        Assert.Equal(LogFormat.Json, GameServerSettings.From(ServerConfig.LoadWith("game-server.log-format = json")).LogFormat);

    [Theory]
    [InlineData("xml")]
    [InlineData("JSON")]
    [InlineData("")]
    public void Anything_else_is_refused_naming_the_setting_and_the_choices(string value)
    {
        var error = Assert.Throws<ConfigurationException>(() => GameServerSettings.From(ServerConfig.LoadWith($"game-server.log-format = \"{value}\"")));

        Assert.Equal($"game-server.log-format: '{value}' is not a log format (use text, or json for one JSON object per line)", error.Message);
    }

    [Fact]
    public void A_bad_value_in_the_environment_is_refused_too()
    {
        var error = Assert.Throws<ConfigurationException>(() => FromEnvironment("xml"));

        Assert.StartsWith("game-server.log-format: 'xml' is not a log format", error.Message);
    }

    private static LogFormat FromEnvironment(string? value) =>
        GameServerSettings.From(ServerConfig.Load(null, name => name == "GAME_SERVER_LOG_FORMAT" ? value : null)).LogFormat;
}
