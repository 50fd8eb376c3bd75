using ActorGameServer.Server.Actors;
using Akka.Actor;
using Akka.DistributedData;
using Akka.Event;

namespace ActorGameServer.Server.Clustering;

/// <summary>
/// Claims this node a number that no other current member of the cluster holds, the smallest
/// free one, so the node can hand out user ids nobody else hands out
/// (<see cref="Actors.UserIds"/>). Akka.Cluster numbers its members in just this way
/// (<c>Member.UpNumber</c>) but keeps the number internal, so the nodes keep their own table in
/// Distributed Data (<see cref="NodeTable"/>): number → the member that holds it. A number whose
/// holder is no longer a member is free again, as its players left with it.
/// <para>
/// The table is read from and written to every Up member, not a majority: a node that claimed its
/// number while the cluster was smaller wrote it to a majority of that smaller cluster, and a
/// majority of today's may not include any of those nodes (three nodes started together: the
/// first formed the cluster alone and claimed 1, the other two read a majority of two that had
/// not heard of it yet, and the third claimed 1 as well). A claim never replaces a number a
/// current member holds. Two nodes that become Up together may still pick the same free number:
/// each writes its claim to every member and then reads the table back from every member; the
/// table is last-writer-wins, so both read the same winner, and the loser picks again. A cluster
/// of one is all of itself, so the single server claims number 1 without waiting for anyone.
/// A member that is unreachable fails the read or write until the split-brain resolver has
/// removed it; the claim is tried again every second meanwhile.
/// </para>
/// </summary>
public sealed class NodeNumberClaim : ReceiveActor, IWithTimers
{
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ReplicasWait = TimeSpan.FromMilliseconds(100);

    private readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(Context.System);
    private readonly IActorRef _replicator = DistributedData.Get(Context.System).Replicator;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Action<int> _claimed;
    private readonly IReadConsistency _read;
    private readonly IWriteConsistency _write;
    private readonly string _self;
    private int _candidate;

    public NodeNumberClaim(Action<int> claimed, TimeSpan timeout)
    {
        _claimed = claimed;
        _read = new ReadAll(timeout);
        _write = new WriteAll(timeout);
        _self = NodeTable.Holder(_cluster.SelfUniqueAddress);

        Receive<GetSuccess>(success => OnTable(success.Get(NodeTable.Key), success.Request));
        Receive<NotFound>(notFound => OnTable(LWWDictionary<int, string>.Empty, notFound.Request));
        Receive<UpdateSuccess>(_ => _replicator.Tell(Dsl.Get(NodeTable.Key, _read, Phase.Verify)));
        Receive<GetFailure>(failure => Retry($"reading the node numbers from every member failed ({failure.Key})"));
        Receive<IUpdateResponse>(response => Retry($"writing the claim of node number {_candidate} to every member failed ({response.GetType().Name})"));
        Receive<Phase>(_ => _replicator.Tell(Dsl.GetReplicaCount));
        Receive<ReplicaCount>(OnReplicaCount);
    }

    /// <summary>Whether a table read is for choosing a number or for checking the claim just written.</summary>
    private enum Phase
    {
        Choose,
        Verify,
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <param name="claimed">Called on this actor's thread with the number, once, after which it stops.</param>
    /// <param name="timeout">How long a read or write may wait for every member before it is tried again.</param>
    public static Props Props(Action<int> claimed, TimeSpan timeout) =>
        Akka.Actor.Props.Create(() => new NodeNumberClaim(claimed, timeout));

    protected override void PreStart() => Self.Tell(Phase.Choose);

    /// <summary>
    /// A node that just became Up may not know the other members as replicas yet, and "all" the
    /// replicas it knows could then be itself alone: it would find the table empty and claim a
    /// number already held. So it reads only once it counts every Up member.
    /// </summary>
    private void OnReplicaCount(ReplicaCount count)
    {
        var up = _cluster.State.Members.Count(m => m.Status == Akka.Cluster.MemberStatus.Up);
        if (count.N < up)
        {
            Timers.StartSingleTimer(nameof(OnReplicaCount), Phase.Choose, ReplicasWait);
            return;
        }

        _replicator.Tell(Dsl.Get(NodeTable.Key, _read, Phase.Choose));
    }

    private void OnTable(LWWDictionary<int, string> table, object? request)
    {
        if (request is Phase.Verify && table.TryGetValue(_candidate, out var holder) && holder == _self)
        {
            _claimed(_candidate);
            Context.Stop(Self);
            return;
        }

        if (request is Phase.Verify)
        {
            _log.Info("node number {0} went to another node that claimed it at the same time; choosing again", _candidate);
        }

        var members = _cluster.State.Members.Select(m => NodeTable.Holder(m.UniqueAddress)).ToHashSet();
        var candidate = Enumerable.Range(1, UserIds.MaxNodeNumber).First(n =>
            !table.TryGetValue(n, out var heldBy) || heldBy == _self || !members.Contains(heldBy));
        _candidate = candidate; // The replicator runs the update later, on its own thread: it gets a copy.
        var self = _self;

        // Applied to the replicator's own copy, which may have heard of a claim this read missed:
        // a number a current member holds is left to it, and the read-back then chooses again.
        _replicator.Tell(Dsl.Update(NodeTable.Key, LWWDictionary<int, string>.Empty, _write, t =>
            t.TryGetValue(candidate, out var heldBy) && heldBy != self && members.Contains(heldBy) ? t : t.SetItem(_cluster, candidate, self)));
    }

    private void Retry(string why)
    {
        _log.Warning("{0}; trying again in {1}", why, RetryAfter);
        Timers.StartSingleTimer(nameof(Retry), Phase.Choose, RetryAfter);
    }
}
