using ActorGameServer.Server.Configuration;

namespace ActorGameServer.Server.Tests.Actors;

internal static class ActorTestSettings
{
    /// <summary>
    /// Production defaults, with a close-timeout long enough that a busy machine never resets a
    /// connection a test is still closing, yet short enough not to hold a test up; a test of the
    /// timeout itself sets its own.
    /// </summary>
    public static GameServerSettings Create(string overrides = "") =>
        GameServerSettings.From(ServerConfig.LoadWith($$"""
            game-server { close-timeout = 10s }
            # Resume off: these tests expect a client actor to stop when its connection ends.
            game-server.sessions.resume-window = 0
            {{overrides}}
            """));
}
