using System.Net;
using Akka.Configuration;

namespace ActorGameServer.Server.Configuration;

/// <summary>The <c>game-server</c> section of the HOCON, read and checked once at start-up.</summary>
public sealed record GameServerSettings
{
    public const string Section = "game-server";

    public required IPAddress Host { get; init; }
    public required int Port { get; init; }
    public required int Backlog { get; init; }
    public required int MaxPayload { get; init; }
    public required int MaxJsonDepth { get; init; }
    public required int MaxOutboundBytes { get; init; }
    public required TimeSpan CloseTimeout { get; init; }
    public required string ShutdownReason { get; init; }
    public required TimeSpan ReconnectAfter { get; init; }
    public required TimeSpan ShutdownTimeout { get; init; }

    public EndPoint EndPoint => new IPEndPoint(Host, Port);

    public static GameServerSettings From(Config root)
    {
        var config = root.GetConfig(Section)
            ?? throw new ConfigurationException($"the configuration has no '{Section}' section");
        return new GameServerSettings
        {
            Host = Read(config, "host", c => ParseHost(c.GetString("host"))),
            Port = Read(config, "port", c => InRange(c.GetInt("port"), 0, 65535)),
            Backlog = Read(config, "backlog", c => InRange(c.GetInt("backlog"), 1, 65535)),
            MaxPayload = Read(config, "max-payload", c => InRange(c.GetInt("max-payload"), 1, 16 * 1024 * 1024)),
            MaxJsonDepth = Read(config, "max-json-depth", c => InRange(c.GetInt("max-json-depth"), 2, 256)),
            MaxOutboundBytes = Read(config, "max-outbound-bytes", c => InRange((int)(c.GetByteSize("max-outbound-bytes") ?? -1), 1024, int.MaxValue)),
            CloseTimeout = Read(config, "close-timeout", c => Positive(c.GetTimeSpan("close-timeout"))),
            ShutdownReason = Read(config, "shutdown.reason", c => c.GetString("shutdown.reason")),
            ReconnectAfter = Read(config, "shutdown.reconnect-after", c => Positive(c.GetTimeSpan("shutdown.reconnect-after"))),
            ShutdownTimeout = Read(config, "shutdown.timeout", c => Positive(c.GetTimeSpan("shutdown.timeout"))),
        };
    }

    private static T Read<T>(Config config, string key, Func<Config, T> read)
    {
        if (!config.HasPath(key))
        {
            throw new ConfigurationException($"{Section}.{key} is missing");
        }

        try
        {
            return read(config);
        }
        catch (Exception e) when (e is not ConfigurationException)
        {
            throw new ConfigurationException($"{Section}.{key}: {ServerConfig.OneLine(e.Message)}", e);
        }
    }

    private static IPAddress ParseHost(string host)
    {
        if (host == "localhost")
        {
            return IPAddress.Loopback;
        }

        return IPAddress.TryParse(host, out var address)
            ? address
            : throw new FormatException($"'{host}' is not an IP address (use 0.0.0.0 for all interfaces, 127.0.0.1 for this machine only)");
    }

    private static int InRange(int value, int min, int max) =>
        value >= min && value <= max ? value : throw new FormatException($"{value} is outside {min}..{max}");

    private static TimeSpan Positive(TimeSpan value) =>
        value > TimeSpan.Zero ? value : throw new FormatException($"{value} must be greater than zero");
}
