using ActorGameServer.Server.Configuration;

namespace ActorGameServer.Server.Tests.Actors;

internal static class ActorTestSettings
{
    /// <summary>Production defaults with short timeouts, so close paths finish quickly in tests.</summary>
    public static GameServerSettings Create(string overrides = "") =>
        GameServerSettings.From(ServerConfig.LoadWith($$"""
            game-server { close-timeout = 300ms }
            {{overrides}}
            """));
}
