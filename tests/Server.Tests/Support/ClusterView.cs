using Akka.Actor;
using Akka.Cluster;

namespace ActorGameServer.Server.Tests.Support;

/// <summary>What one node's cluster extension sees, waited for rather than timed: joins and leaves take gossip rounds.</summary>
public static class ClusterView
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>The addresses of the members <paramref name="system"/> sees, and each one's status.</summary>
    public static IReadOnlyDictionary<Address, MemberStatus> Members(ActorSystem system) =>
        Akka.Cluster.Cluster.Get(system).State.Members.ToDictionary(member => member.Address, member => member.Status);

    /// <summary>Waits until <paramref name="system"/> sees exactly <paramref name="expected"/> members, all Up.</summary>
    public static async Task WaitForUpMembersAsync(ActorSystem system, params Address[] expected)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!IsExactlyUp(Members(system), expected) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        var seen = Members(system);
        Assert.True(
            IsExactlyUp(seen, expected),
            $"{Akka.Cluster.Cluster.Get(system).SelfAddress} expected Up: {string.Join(", ", expected.Order())}; sees: {string.Join(", ", seen.Select(m => $"{m.Key} {m.Value}"))}");
    }

    private static bool IsExactlyUp(IReadOnlyDictionary<Address, MemberStatus> seen, Address[] expected) =>
        seen.Count == expected.Length && expected.All(address => seen.TryGetValue(address, out var status) && status == MemberStatus.Up);
}
