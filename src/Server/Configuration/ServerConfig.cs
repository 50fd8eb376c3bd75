using Akka.Configuration;

namespace ActorGameServer.Server.Configuration;

/// <summary>
/// Loads the HOCON the server runs with. Layers, highest precedence first: the optional
/// <c>--config FILE</c>, the <c>GAME_SERVER_*</c> environment variables, and the defaults,
/// <c>hocon/server.hocon</c>, built into the binary.
/// </summary>
public static class ServerConfig
{
    public const string DefaultFileName = "server.hocon";

    private static readonly TimeSpan ParseTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Environment variables and the setting each overrides. Applied here rather than with
    /// HOCON's <c>${?VAR}</c>, which Akka.NET 1.5's parser resolves to an empty string.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> EnvironmentVariables = new Dictionary<string, string>
    {
        ["GAME_SERVER_HOST"] = "game-server.host",
        ["GAME_SERVER_PORT"] = "game-server.port",
        ["GAME_SERVER_HTTP_HOST"] = "game-server.http.host",
        ["GAME_SERVER_HTTP_PORT"] = "game-server.http.port",
        ["GAME_SERVER_LOGLEVEL"] = "akka.loglevel",
        ["GAME_SERVER_LOG_FORMAT"] = "game-server.log-format",
        ["GAME_SERVER_CLUSTER_HOST"] = "game-server.cluster.host",
        ["GAME_SERVER_CLUSTER_PORT"] = "game-server.cluster.port",
        ["GAME_SERVER_SEED_NODES"] = "game-server.cluster.seed-nodes",
        ["GAME_SERVER_ADMIN_TOKEN"] = "game-server.admin.token",
        ["GAME_SERVER_JWT_SECRET"] = "game-server.auth.jwt.hs256-secret",
    };

    /// <summary>Of those, the ones that set a list: a comma-separated value becomes a list of strings.</summary>
    private static readonly IReadOnlySet<string> ListVariables = new HashSet<string> { "GAME_SERVER_SEED_NODES" };

    /// <summary>
    /// The defaults, <c>hocon/server.hocon</c>, embedded in the server's assembly (Server.csproj):
    /// a published server is one file that runs from any directory, and no stale copy of the
    /// defaults beside it can disagree with the code that reads them. Operators change settings
    /// with <c>--config</c> or the environment, never by editing the defaults.
    /// </summary>
    public static string Defaults { get; } = ReadDefaults();

    /// <summary>The defaults, with <paramref name="overrideFile"/> (when given) taking precedence.</summary>
    public static Config Load(string? overrideFile = null) => Load(overrideFile, Environment.GetEnvironmentVariable);

    /// <summary>As <see cref="Load(string?)"/>, with the environment variables read from <paramref name="environment"/> (tests).</summary>
    internal static Config Load(string? overrideFile, Func<string, string?> environment)
    {
        var config = FromEnvironment(environment).WithFallback(Parse(Defaults, $"the built-in defaults (hocon/{DefaultFileName})"));
        return overrideFile is null ? config : ParseFile(overrideFile).WithFallback(config);
    }

    /// <summary>The defaults with HOCON text layered over them (tests and tools use this).</summary>
    public static Config LoadWith(string overrideHocon) =>
        Parse(overrideHocon, "the given settings").WithFallback(Load());

    private static Config FromEnvironment(Func<string, string?> environment)
    {
        var lines = EnvironmentVariables
            .Select(pair => (Name: pair.Key, Path: pair.Value, Value: environment(pair.Key)))
            .Where(setting => !string.IsNullOrEmpty(setting.Value))
            .Select(setting => $"{setting.Path} = {(ListVariables.Contains(setting.Name) ? QuoteList(setting.Value!) : Quote(setting.Value!))}");
        return Parse(string.Join('\n', lines), "the GAME_SERVER_* environment variables");
    }

    /// <summary>A HOCON quoted string: the value is taken literally, whatever characters it holds.</summary>
    private static string Quote(string value) =>
        "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    /// <summary>A HOCON list of quoted strings from a comma-separated value; blanks around commas are dropped.</summary>
    private static string QuoteList(string value) =>
        "[" + string.Join(", ", value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(Quote)) + "]";

    private static string ReadDefaults()
    {
        using var stream = typeof(ServerConfig).Assembly.GetManifestResourceStream(DefaultFileName)
            ?? throw new InvalidOperationException($"the server was built without its embedded {DefaultFileName}");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static Config ParseFile(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigurationException($"cannot read configuration file {path}: {e.Message}", e);
        }

        return Parse(text, path);
    }

    private static Config Parse(string hocon, string source)
    {
        // Akka.NET 1.5's HOCON parser never returns on some malformed input (an unclosed array,
        // for one), so it gets a bounded time on another thread: a typo must not hang start-up.
        var parsing = Task.Run(() => ConfigurationFactory.ParseString(hocon));
        try
        {
            if (!parsing.Wait(ParseTimeout))
            {
                throw new ConfigurationException(
                    $"invalid configuration in {source}: the HOCON parser did not finish within {ParseTimeout.TotalSeconds:F0} s (look for an unclosed [ or {{)");
            }

            return parsing.Result;
        }
        catch (AggregateException e)
        {
            // The parser throws several exception types; all mean the same to an operator.
            var cause = e.InnerException ?? e;
            throw new ConfigurationException($"invalid configuration in {source}: {OneLine(cause.Message)}", cause);
        }
    }

    internal static string OneLine(string text) => string.Join(' ', text.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
}
