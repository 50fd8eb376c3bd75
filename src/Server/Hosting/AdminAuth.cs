using System.Net;
using System.Security.Cryptography;
using System.Text;
using ActorGameServer.Server.Configuration;
using ActorGameServer.Server.Diagnostics;
using ActorGameServer.Server.Transports;
using ActorGameServer.Server.Transports.WebSockets;
using Akka.Event;
using Microsoft.AspNetCore.Http;

namespace ActorGameServer.Server.Hosting;

/// <summary>
/// The admin API's one check: <c>Authorization: Bearer &lt;token&gt;</c> with the configured token.
/// Both sides are hashed with SHA-256 and the hashes compared in constant time, so neither the
/// token's length nor how much of it a guess got right shows in the time a refusal takes. The
/// token is only ever read from that header (never from the URL, which proxies and browsers
/// log), and never written anywhere.
/// </summary>
internal sealed class AdminAuth(AdminSettings settings, HttpSettings http)
{
    private const string Scheme = "Bearer ";

    private readonly byte[] _expected = SHA256.HashData(Encoding.UTF8.GetBytes(settings.Token));
    private readonly LogThrottle _refusalLog = new(TimeSpan.FromSeconds(10));

    /// <summary>Whether the request carries the token; a refusal is logged (at most a line per 10 s).</summary>
    public bool IsAuthorized(HttpContext context, ILoggingAdapter log)
    {
        var header = context.Request.Headers.Authorization;
        var presented = header.Count == 1 && header[0] is { } value && value.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase)
            ? value[Scheme.Length..].Trim()
            : null;
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(presented ?? ""));
        // Compared even without a token, so a missing header costs what a wrong one does.
        if (CryptographicOperations.FixedTimeEquals(hash, _expected) && presented is { Length: > 0 })
        {
            return true;
        }

        LogRefusal(context, log, presented is null ? "no Bearer token" : "a wrong token");
        return false;
    }

    /// <summary>The caller, as the admin log lines name them: the client behind a trusted proxy, else the peer.</summary>
    public string Caller(HttpContext context)
    {
        var peer = new IPEndPoint(CapAddress.Of(context.Connection.RemoteIpAddress), context.Connection.RemotePort);
        var client = ClientAddress.Resolve(peer.Address, context.Request.Headers["X-Forwarded-For"], http);
        return client.Equals(peer.Address) ? peer.ToString() : client.ToString();
    }

    /// <summary>
    /// Someone guessing tokens must not flood the log too: one line per 10 s, saying how many
    /// more were refused since the last one (as the registry does for refused connections).
    /// </summary>
    private void LogRefusal(HttpContext context, ILoggingAdapter log, string what)
    {
        if (!_refusalLog.TryPass(out var notLogged))
        {
            return;
        }

        // The path only: no query string, which is no place for a token but could hold one.
        log.Warning("admin API: refused {0} {1} from {2}: {3} ({4} more refused since the last such line)",
            context.Request.Method, context.Request.Path, Caller(context), what, notLogged);
    }
}
