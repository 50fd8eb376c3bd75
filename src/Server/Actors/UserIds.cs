namespace ActorGameServer.Server.Actors;

/// <summary>
/// Hands out user ids that are unique across the cluster without asking any other node per id:
/// the node's number in the high bits, a counter of this node's connections in the low 32.
/// <para>
/// No two current members of the cluster hold the same node number
/// (<see cref="Clustering.NodeNumberClaim"/>). A number is free again once its node left the
/// cluster, and with it that node's ids; its players left with it. A single server is node 1,
/// so its ids are 1, 2, 3, as they always were. Ids stay below 2^53, the largest integer Godot 3
/// (which parses every JSON number as a double) reads exactly: node numbers up to 2^21,
/// 2^32 - 1 connections per node lifetime.
/// </para>
/// </summary>
public sealed class UserIds
{
    public const int CounterBits = 32;

    /// <summary>The highest node number whose ids stay below 2^53.</summary>
    public const int MaxNodeNumber = 1 << (53 - CounterBits);

    private const long MaxCounter = uint.MaxValue;

    private readonly long _base;
    private long _last;

    /// <param name="nodeNumber">This node's number in the cluster, claimed once it is Up.</param>
    public UserIds(int nodeNumber)
    {
        if (nodeNumber < 1 || nodeNumber > MaxNodeNumber)
        {
            throw new ArgumentOutOfRangeException(nameof(nodeNumber), nodeNumber, $"a node number is 1 to {MaxNodeNumber}");
        }

        NodeNumber = nodeNumber;
        _base = (long)(nodeNumber - 1) << CounterBits;
    }

    public int NodeNumber { get; }

    /// <summary>The first id this node hands out.</summary>
    public long First => _base + 1;

    /// <summary>The last id this node can hand out in its lifetime.</summary>
    public long Last => _base + MaxCounter;

    /// <summary>The next id, or null once this node has handed out all of its 2^32 - 1.</summary>
    public long? Next() => _last < MaxCounter ? _base + ++_last : null;

    /// <summary>The number of the node that handed out <paramref name="userId"/>.</summary>
    public static int NodeOf(long userId) => (int)(userId >> CounterBits) + 1;
}
