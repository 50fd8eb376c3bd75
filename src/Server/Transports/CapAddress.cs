using System.Net;

namespace ActorGameServer.Server.Transports;

/// <summary>The address a per-address cap counts against, the same way for every transport.</summary>
public static class CapAddress
{
    /// <summary>An IPv4 client seen through an IPv6 socket counts as itself; no address at all as <see cref="IPAddress.None"/>.</summary>
    public static IPAddress Of(IPAddress? address) =>
        address is null ? IPAddress.None : address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
