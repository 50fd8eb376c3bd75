using System.Net;

namespace ActorGameServer.Server.Configuration;

/// <summary>
/// The <c>game-server.http</c> section: the process's one HTTP listener (Kestrel), which serves
/// WebSocket players at <c>/ws</c> and the playground page at <c>/</c>.
/// </summary>
public sealed record HttpSettings
{
    /// <summary>False when <c>port = off</c>: no HTTP listener at all.</summary>
    public required bool Enabled { get; init; }
    public required IPAddress Host { get; init; }
    public required int Port { get; init; }

    /// <summary>Proxies whose <c>X-Forwarded-For</c> is believed (addresses or CIDR ranges).</summary>
    public required IReadOnlyList<IPNetwork> TrustedProxies { get; init; }

    /// <summary>Page origins allowed to open <c>/ws</c>; empty allows any.</summary>
    public required IReadOnlyList<string> AllowedOrigins { get; init; }

    /// <summary>PEM certificate and key; both set makes the listener TLS (https, wss).</summary>
    public required string? TlsCertificate { get; init; }
    public required string? TlsKey { get; init; }

    public required TimeSpan WebSocketKeepAlive { get; init; }
    public required int MaxConnections { get; init; }
    public required int MaxRequestLineSize { get; init; }
    public required int MaxRequestHeadersTotalSize { get; init; }
    public required int MaxRequestHeaderCount { get; init; }
    public required TimeSpan RequestHeadersTimeout { get; init; }
    public required TimeSpan KeepAliveTimeout { get; init; }

    public bool UsesTls => TlsCertificate is not null;

    public string WebSocketScheme => UsesTls ? "wss" : "ws";

    public IPEndPoint EndPoint => new(Host, Port);

    /// <summary>Whether a request from <paramref name="peer"/> may say who the client really is.</summary>
    public bool IsTrustedProxy(IPAddress peer) => TrustedProxies.Any(network => network.Contains(peer));

    /// <summary>
    /// Whether a page from <paramref name="origin"/> may connect: any page when no origins are
    /// listed; otherwise a listed one, or a page this listener served itself (the playground),
    /// whose origin names the same host as the request. No Origin header: not a browser, allowed.
    /// </summary>
    public bool IsOriginAllowed(string? origin, string requestHost) =>
        AllowedOrigins.Count == 0 ||
        string.IsNullOrEmpty(origin) ||
        AllowedOrigins.Contains(origin, StringComparer.OrdinalIgnoreCase) ||
        (Uri.TryCreate(origin, UriKind.Absolute, out var page) && string.Equals(page.Authority, requestHost, StringComparison.OrdinalIgnoreCase));
}
