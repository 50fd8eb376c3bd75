using System.Globalization;
using System.Net;
using Akka.Actor;
using Akka.Configuration;

namespace ActorGameServer.Server.Configuration;

/// <summary>
/// The <c>game-server.cluster</c> section: where this node's Akka.Remote endpoint is and which
/// nodes it joins. No seed nodes: the node forms a cluster of one by joining itself.
/// </summary>
public sealed record ClusterSettings
{
    /// <summary>The address this node binds Akka.Remote to and that other nodes reach it at.</summary>
    public required string Host { get; init; }

    /// <summary>The Akka.Remote port; 0 picks a free one (tests).</summary>
    public required int Port { get; init; }

    /// <summary>The nodes to join; empty forms a cluster of one.</summary>
    public required IReadOnlyList<DnsEndPoint> SeedNodes { get; init; }

    /// <summary>
    /// The Akka settings these imply. Written here rather than as HOCON substitutions of
    /// <c>game-server.cluster.*</c>, which would not see the environment variables (the server
    /// layers those over the file after it is parsed).
    /// </summary>
    public Config ToAkkaConfig() =>
        ConfigurationFactory.ParseString(string.Create(CultureInfo.InvariantCulture, $$"""
            akka.remote.dot-netty.tcp {
              hostname = "{{Host}}"
              port = {{Port}}
            }
            """));

    /// <summary>The seed nodes as Akka addresses of an actor system named <paramref name="systemName"/>.</summary>
    public IReadOnlyList<Address> SeedAddresses(string systemName) =>
        SeedNodes.Select(seed => new Address("akka.tcp", systemName, seed.Host, seed.Port)).ToArray();

    /// <summary>
    /// A host other nodes can reach this one at: an IP address or a DNS name, not an
    /// any-address, since Akka.Remote also tells other nodes this name.
    /// </summary>
    internal static string ParseHost(string host)
    {
        var trimmed = host.Trim();
        if (trimmed.Length == 0)
        {
            throw new FormatException("must not be empty (127.0.0.1 for a cluster on this machine, else this node's private address)");
        }

        if (IPAddress.TryParse(trimmed, out var address) && (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any)))
        {
            throw new FormatException($"'{trimmed}' is not an address other nodes can reach; give this node's private address");
        }

        return Uri.CheckHostName(trimmed) == UriHostNameType.Unknown
            ? throw new FormatException($"'{trimmed}' is neither an IP address nor a host name")
            : trimmed;
    }

    /// <summary>A seed node written <c>host:port</c> (an IPv6 address in brackets: <c>[::1]:9302</c>).</summary>
    internal static DnsEndPoint ParseSeed(string seed)
    {
        var text = seed.Trim();
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || colon == text.Length - 1 || (text.Contains(':', StringComparison.Ordinal) && text.IndexOf(':') != colon && !text.StartsWith('[')))
        {
            throw new FormatException($"seed node '{seed}' is not host:port (for example 10.0.0.5:9302)");
        }

        var host = text[..colon];
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }

        if (!int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            throw new FormatException($"seed node '{seed}' has no port in 1..65535");
        }

        return new DnsEndPoint(ParseHost(host), port);
    }
}
