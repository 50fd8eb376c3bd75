using Akka.Actor;
using Akka.Cluster;
using Akka.Event;

namespace ActorGameServer.Server.Hosting;

/// <summary>
/// Tells the operator, one line each, what this node sees of the other nodes: one is Up, one
/// cannot be reached, one can be reached again, one was removed and why. Akka logs these too, but
/// only on the leader, or as one of many lines about gossip. While this node is still waiting to
/// be let in by a seed node it says so every <see cref="StillJoiningEvery"/>, since it takes no
/// players until then and would otherwise log nothing but connection warnings.
/// </summary>
public sealed class MembershipLog : ReceiveActor, IWithTimers
{
    public static readonly TimeSpan StillJoiningEvery = TimeSpan.FromSeconds(10);

    private readonly Cluster _cluster = Cluster.Get(Context.System);
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly HashSet<Address> _up = [];
    private readonly DateTime _started = DateTime.UtcNow;
    private readonly bool _joinsThroughSeeds;

    public MembershipLog(IReadOnlyList<Address> seeds)
    {
        var stableAfter = Context.System.Settings.Config.GetTimeSpan("akka.cluster.split-brain-resolver.stable-after", null);

        Receive<ClusterEvent.MemberUp>(up =>
        {
            _up.Add(up.Member.Address);
            if (up.Member.UniqueAddress == _cluster.SelfUniqueAddress)
            {
                Timers.Cancel(nameof(StillJoining)); // ClusterMembership says this node is Up.
                return;
            }

            _log.Info("cluster member {0} is Up ({1} members Up)", up.Member.Address, _up.Count);
        });
        Receive<ClusterEvent.UnreachableMember>(unreachable => _log.Warning(
            "cluster member {0} is unreachable; unless it is reachable again, the split-brain resolver decides who goes on once nothing has changed for {1}",
            unreachable.Member.Address,
            stableAfter));
        Receive<ClusterEvent.ReachableMember>(reachable => _log.Info("cluster member {0} is reachable again", reachable.Member.Address));
        Receive<ClusterEvent.MemberRemoved>(removed =>
        {
            _up.Remove(removed.Member.Address);
            if (removed.Member.UniqueAddress == _cluster.SelfUniqueAddress)
            {
                return; // Akka says why this node is shutting down.
            }

            var how = removed.PreviousStatus == MemberStatus.Down ? "it was downed" : "it left";
            _log.Info("cluster member {0} was removed: {1} ({2} members Up)", removed.Member.Address, how, _up.Count);
        });
        Receive<StillJoining>(_ => _log.Info(
            "still joining the cluster through seed node(s) {0}: none has let this node in after {1:F0} s; not accepting players until one does",
            string.Join(", ", seeds),
            (DateTime.UtcNow - _started).TotalSeconds));
        _joinsThroughSeeds = seeds.Count > 0;
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <param name="seeds">The seed nodes this node joins through; empty for a cluster of one, which joins itself at once.</param>
    public static Props Props(IReadOnlyList<Address> seeds) => Akka.Actor.Props.Create(() => new MembershipLog(seeds));

    protected override void PreStart()
    {
        if (_joinsThroughSeeds)
        {
            Timers.StartPeriodicTimer(nameof(StillJoining), StillJoining.Instance, StillJoiningEvery);
        }

        _cluster.Subscribe(
            Self,
            ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
            typeof(ClusterEvent.MemberUp),
            typeof(ClusterEvent.MemberRemoved),
            typeof(ClusterEvent.UnreachableMember),
            typeof(ClusterEvent.ReachableMember));
    }

    protected override void PostStop() => _cluster.Unsubscribe(Self);

    /// <summary>The timer's tick while this node is not yet Up.</summary>
    private sealed record StillJoining
    {
        public static readonly StillJoining Instance = new();
    }
}
