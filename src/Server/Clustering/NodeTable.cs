using Akka.Actor;
using Akka.Cluster;
using Akka.DistributedData;

namespace ActorGameServer.Server.Clustering;

/// <summary>
/// The cluster's table of node numbers in Distributed Data: number → the member holding it,
/// written by <see cref="NodeNumberClaim"/>, read by the registry to route a DIRECT to the node
/// whose number is in the recipient's user id.
/// </summary>
public static class NodeTable
{
    public static readonly LWWDictionaryKey<int, string> Key = new("game-server-node-numbers");

    /// <summary>How a member is written in the table. The uid tells a restarted node at the same address from the one it replaces.</summary>
    public static string Holder(UniqueAddress member) => $"{member.Address}#{member.Uid}";

    /// <summary>
    /// The address of the node holding <paramref name="number"/>, or null when no current member
    /// holds it (never claimed, or its node left and nobody claimed it since).
    /// </summary>
    public static Address? AddressOf(LWWDictionary<int, string> table, int number, IEnumerable<Member> members)
    {
        if (!table.TryGetValue(number, out var holder))
        {
            return null;
        }

        return members.FirstOrDefault(m => Holder(m.UniqueAddress) == holder)?.Address;
    }
}
