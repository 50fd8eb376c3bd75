using System.Net;
using ActorGameServer.Server.Diagnostics;
using ActorGameServer.Server.Limits;
using ActorGameServer.Server.Rooms;
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
    public required TimeSpan IdleTimeout { get; init; }
    public required RateLimitSettings RateLimit { get; init; }
    public required int MaxConnections { get; init; }
    public required int MaxConnectionsPerIp { get; init; }
    public required RoomSettings Rooms { get; init; }
    public required TimeSpan CloseTimeout { get; init; }
    public required string ShutdownReason { get; init; }
    public required TimeSpan ReconnectAfter { get; init; }
    public required TimeSpan ShutdownTimeout { get; init; }
    public required HttpSettings Http { get; init; }
    public required AdminSettings Admin { get; init; }
    public required ClusterSettings Cluster { get; init; }

    /// <summary>Optional sign-in with a JWT on HELLO; off by default.</summary>
    public AuthSettings Auth { get; init; } = AuthSettings.Off;
    /// <summary>Session resume; off unless configured, so settings built in code behave as before.</summary>
    public SessionSettings Sessions { get; init; } = SessionSettings.Off;

    /// <summary>Text (the default) or one JSON object per line; see <see cref="JsonLogFormatter"/>.</summary>
    public LogFormat LogFormat { get; init; } = LogFormat.Text;

    public EndPoint EndPoint => new IPEndPoint(Host, Port);

    public static GameServerSettings From(Config root)
    {
        var config = root.GetConfig(Section)
            ?? throw new ConfigurationException($"the configuration has no '{Section}' section");
        var host = Read(config, "host", c => ParseHost(c.GetString("host")));
        return new GameServerSettings
        {
            Host = host,
            Port = Read(config, "port", c => InRange(c.GetInt("port"), 0, 65535)),
            Backlog = Read(config, "backlog", c => InRange(c.GetInt("backlog"), 1, 65535)),
            MaxPayload = Read(config, "max-payload", c => InRange(c.GetInt("max-payload"), 1, 16 * 1024 * 1024)),
            MaxJsonDepth = Read(config, "max-json-depth", c => InRange(c.GetInt("max-json-depth"), 2, 256)),
            MaxOutboundBytes = Read(config, "max-outbound-bytes", c => ByteSize(c, "max-outbound-bytes", 1024)),
            IdleTimeout = Read(config, "idle-timeout", c => Positive(c.GetTimeSpan("idle-timeout"))),
            RateLimit = new RateLimitSettings(
                MessagesPerSecond: Read(config, "rate-limit.messages-per-second", c => InRange(c.GetInt("rate-limit.messages-per-second"), 1, 1_000_000)),
                MessageBurst: Read(config, "rate-limit.burst", c => InRange(c.GetInt("rate-limit.burst"), 1, 1_000_000)),
                BytesPerSecond: Read(config, "rate-limit.bytes-per-second", c => ByteSize(c, "rate-limit.bytes-per-second", 1)),
                ByteBurst: Read(config, "rate-limit.byte-burst", c => ByteSize(c, "rate-limit.byte-burst", 1)),
                DisconnectAfter: Read(config, "rate-limit.disconnect-after", c => Positive(c.GetTimeSpan("rate-limit.disconnect-after"))),
                ErrorInterval: Read(config, "rate-limit.error-interval", c => Positive(c.GetTimeSpan("rate-limit.error-interval")))),
            MaxConnections = Read(config, "max-connections", c => InRange(c.GetInt("max-connections"), 1, 10_000_000)),
            MaxConnectionsPerIp = Read(config, "max-connections-per-ip", c => InRange(c.GetInt("max-connections-per-ip"), 1, 10_000_000)),
            Rooms = new RoomSettings(
                MaxMembers: Read(config, "rooms.max-members", c => InRange(c.GetInt("rooms.max-members"), 1, 100_000)),
                MaxRoomsPerClient: Read(config, "rooms.max-rooms-per-client", c => InRange(c.GetInt("rooms.max-rooms-per-client"), 1, 10_000)),
                MaxRooms: Read(config, "rooms.max-rooms", c => InRange(c.GetInt("rooms.max-rooms"), 1, 10_000_000)),
                FlushInterval: Read(config, "rooms.flush-interval", c => InRange(c.GetTimeSpan("rooms.flush-interval"), TimeSpan.Zero, TimeSpan.FromSeconds(1))),
                StartTimeout: Read(config, "rooms.start-timeout", c => InRange(c.GetTimeSpan("rooms.start-timeout"), TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(1)))),
            CloseTimeout = Read(config, "close-timeout", c => Positive(c.GetTimeSpan("close-timeout"))),
            ShutdownReason = Read(config, "shutdown.reason", c => c.GetString("shutdown.reason")),
            ReconnectAfter = Read(config, "shutdown.reconnect-after", c => Positive(c.GetTimeSpan("shutdown.reconnect-after"))),
            ShutdownTimeout = Read(config, "shutdown.timeout", c => Positive(c.GetTimeSpan("shutdown.timeout"))),
            Http = ReadHttp(config, host),
            Admin = Read(config, "admin.token", c => AdminSettings.From(c.GetString("admin.token") ?? "")),
            Cluster = new ClusterSettings
            {
                Host = Read(config, "cluster.host", c => ClusterSettings.ParseHost(c.GetString("cluster.host"))),
                Port = Read(config, "cluster.port", c => InRange(c.GetInt("cluster.port"), 0, 65535)),
                SeedNodes = Read(config, "cluster.seed-nodes", c => c.GetStringList("cluster.seed-nodes").Select(ClusterSettings.ParseSeed).ToArray()),
            },
            LogFormat = Read(config, "log-format", c => ParseLogFormat(c.GetString("log-format"))),
            Auth = Read(config, "auth", c => AuthSettings.From(c, Section)),
            Sessions = new SessionSettings(
                ResumeWindow: Read(config, "sessions.resume-window", c => InRange(c.GetTimeSpan("sessions.resume-window"), TimeSpan.Zero, TimeSpan.FromHours(1))),
                MaxBufferedBytes: Read(config, "sessions.max-buffered-bytes", c => ByteSize(c, "sessions.max-buffered-bytes", 1024))),
        }.Validated();
    }

    /// <summary>Checks between settings: a limit that makes the server refuse every legal frame is a mistake.</summary>
    private GameServerSettings Validated()
    {
        var largestFrame = MaxPayload + 4;
        if (RateLimit.ByteBurst < largestFrame)
        {
            throw new ConfigurationException(
                $"{Section}.rate-limit.byte-burst ({RateLimit.ByteBurst}) must be at least max-payload + 4 ({largestFrame}), or the largest legal frame is always refused");
        }

        if (MaxOutboundBytes < largestFrame * 2)
        {
            throw new ConfigurationException(
                $"{Section}.max-outbound-bytes ({MaxOutboundBytes}) must be at least twice max-payload + 4 ({largestFrame * 2})");
        }

        return this;
    }

    private static HttpSettings ReadHttp(Config config, IPAddress gameHost)
    {
        var port = Read(config, "http.port", c => c.GetString("http.port"));
        var enabled = port is not ("off" or "false");
        var certificate = Read(config, "http.tls.certificate", c => NullIfEmpty(c.GetString("http.tls.certificate")));
        var key = Read(config, "http.tls.key", c => NullIfEmpty(c.GetString("http.tls.key")));
        if ((certificate is null) != (key is null))
        {
            throw new ConfigurationException($"{Section}.http.tls needs both certificate and key (PEM files), or neither");
        }

        return new HttpSettings
        {
            Enabled = enabled,
            Host = Read(config, "http.host", c => c.GetString("http.host") is { Length: > 0 } h ? ParseHost(h) : gameHost),
            Port = enabled ? Read(config, "http.port", c => InRange(int.Parse(port, System.Globalization.CultureInfo.InvariantCulture), 0, 65535)) : 0,
            TrustedProxies = Read(config, "http.trusted-proxies", c => c.GetStringList("http.trusted-proxies").Select(ParseNetwork).ToArray()),
            AllowedOrigins = Read(config, "http.allowed-origins", c => c.GetStringList("http.allowed-origins").Select(o => o.TrimEnd('/')).ToArray()),
            TlsCertificate = certificate,
            TlsKey = key,
            WebSocketKeepAlive = Read(config, "http.websocket-keep-alive", c => c.GetTimeSpan("http.websocket-keep-alive")),
            MaxConnections = Read(config, "http.limits.max-connections", c => InRange(c.GetInt("http.limits.max-connections"), 1, 10_000_000)),
            MaxRequestLineSize = Read(config, "http.limits.max-request-line-size", c => ByteSize(c, "http.limits.max-request-line-size", 256)),
            MaxRequestHeadersTotalSize = Read(config, "http.limits.max-request-headers-total-size", c => ByteSize(c, "http.limits.max-request-headers-total-size", 1024)),
            MaxRequestHeaderCount = Read(config, "http.limits.max-request-header-count", c => InRange(c.GetInt("http.limits.max-request-header-count"), 4, 1000)),
            RequestHeadersTimeout = Read(config, "http.limits.request-headers-timeout", c => Positive(c.GetTimeSpan("http.limits.request-headers-timeout"))),
            KeepAliveTimeout = Read(config, "http.limits.keep-alive-timeout", c => Positive(c.GetTimeSpan("http.limits.keep-alive-timeout"))),
        };
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    /// <summary>An address (one host) or a CIDR range, as trusted-proxies lists them.</summary>
    private static IPNetwork ParseNetwork(string text)
    {
        if (IPAddress.TryParse(text, out var address))
        {
            return new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
        }

        return IPNetwork.TryParse(text, out var network)
            ? network
            : throw new FormatException($"'{text}' is neither an IP address nor a CIDR range such as 10.0.0.0/8");
    }

    private static int ByteSize(Config config, string key, int min)
    {
        var value = config.GetByteSize(key) ?? throw new FormatException("not a size (write e.g. 256k or 1m)");
        return InRange((int)Math.Min(value, int.MaxValue), min, int.MaxValue);
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

    private static LogFormat ParseLogFormat(string format) => format switch
    {
        "text" => LogFormat.Text,
        "json" => LogFormat.Json,
        _ => throw new FormatException($"'{format}' is not a log format (use text, or json for one JSON object per line)"),
    };

    private static int InRange(int value, int min, int max) =>
        value >= min && value <= max ? value : throw new FormatException($"{value} is outside {min}..{max}");

    private static TimeSpan InRange(TimeSpan value, TimeSpan min, TimeSpan max) =>
        value >= min && value <= max ? value : throw new FormatException($"{value} is outside {min}..{max}");

    private static TimeSpan Positive(TimeSpan value) =>
        value > TimeSpan.Zero ? value : throw new FormatException($"{value} must be greater than zero");
}
