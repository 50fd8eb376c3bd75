using System.Net;
using ActorGameServer.Server.Configuration;
using Microsoft.Extensions.Primitives;

namespace ActorGameServer.Server.Transports.WebSockets;

/// <summary>Who a WebSocket player really is when a reverse proxy stands between them and the server.</summary>
internal static class ClientAddress
{
    /// <summary>
    /// The client's address: the socket's peer, unless that peer is a trusted proxy, in which case
    /// the right-most address in <c>X-Forwarded-For</c> that is not itself a trusted proxy (each
    /// proxy appends the address it saw, so everything left of the first untrusted hop could have
    /// been written by the client).
    /// </summary>
    public static IPAddress Resolve(IPAddress peer, StringValues forwardedFor, HttpSettings settings)
    {
        if (!settings.IsTrustedProxy(peer) || StringValues.IsNullOrEmpty(forwardedFor))
        {
            return peer;
        }

        var hops = string.Join(',', forwardedFor.ToArray()).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        for (var i = hops.Length - 1; i >= 0; i--)
        {
            if (!IPAddress.TryParse(hops[i], out var parsed))
            {
                return peer; // A garbled header is not believed at all.
            }

            var hop = CapAddress.Of(parsed);
            if (!settings.IsTrustedProxy(hop))
            {
                return hop;
            }
        }

        return peer;
    }
}
