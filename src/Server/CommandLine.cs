namespace ActorGameServer.Server;

/// <summary>The server's few command-line options.</summary>
internal static class CommandLine
{
    public const string Usage =
        "usage: ActorGameServer.Server [--config FILE]\n" +
        "  --config FILE   HOCON file layered over the defaults in hocon/server.hocon\n" +
        "  environment:    GAME_SERVER_HOST, GAME_SERVER_PORT, GAME_SERVER_HTTP_HOST, GAME_SERVER_HTTP_PORT,\n" +
        "                  GAME_SERVER_LOGLEVEL";

    /// <summary>The <c>--config</c> file, or null. Throws <see cref="ArgumentException"/> on anything else unknown.</summary>
    public static string? ParseConfigFile(IReadOnlyList<string> args)
    {
        string? configFile = null;
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--config" when i + 1 < args.Count:
                    configFile = args[++i];
                    break;
                case "--config":
                    throw new ArgumentException("--config needs a file name");
                case var arg when arg.StartsWith("--config=", StringComparison.Ordinal):
                    configFile = arg["--config=".Length..];
                    break;
                case "--help" or "-h":
                    break;
                default:
                    throw new ArgumentException($"unknown argument '{args[i]}'");
            }
        }

        return configFile;
    }
}
