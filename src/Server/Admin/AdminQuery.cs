using Akka.Actor;

namespace ActorGameServer.Server.Admin;

/// <summary>
/// Asks the registry of every given node the same question (stats, players, a broadcast) and
/// completes <see cref="RunAsync"/>'s task with each node's answer, once all answered or
/// <paramref name="timeout"/> passed: the nodes that did not answer by then are listed as missing
/// rather than holding the admin API's answer hostage. One short-lived actor per HTTP request;
/// a node's answer comes from that node, so nothing here is cached or shared.
/// </summary>
public sealed class AdminQuery : UntypedActor
{
    /// <summary>Each answering node's reply, by address, and the nodes that did not answer in time.</summary>
    public sealed record Result(IReadOnlyDictionary<Address, object> Answers, IReadOnlyList<Address> Missing);

    private sealed class TimedOut
    {
        public static readonly TimedOut Instance = new();
    }

    private readonly object _request;
    private readonly IReadOnlyList<Address> _nodes;
    private readonly IReadOnlyList<string> _registryPath;
    private readonly TimeSpan _timeout;
    private readonly TaskCompletionSource<Result> _done;
    private readonly Dictionary<Address, object> _answers = [];
    private readonly Address _self;
    private ICancelable? _timer;

    public AdminQuery(object request, IReadOnlyList<Address> nodes, IReadOnlyList<string> registryPath, TimeSpan timeout, TaskCompletionSource<Result> done)
    {
        _request = request;
        _nodes = nodes;
        _registryPath = registryPath;
        _timeout = timeout;
        _done = done;
        _self = ((ExtendedActorSystem)Context.System).Provider.DefaultAddress;
    }

    /// <summary>
    /// Sends <paramref name="request"/> to the registry (at <paramref name="registry"/>'s path) of
    /// each of <paramref name="nodes"/>, this one included when listed.
    /// </summary>
    public static Task<Result> RunAsync(ActorSystem system, IActorRef registry, object request, IReadOnlyList<Address> nodes, TimeSpan timeout)
    {
        var done = new TaskCompletionSource<Result>(TaskCreationOptions.RunContinuationsAsynchronously);
        var path = registry.Path.Elements.ToArray();
        // Called from an HTTP request, not from inside an actor: the analyzer cannot tell, as this is the actor's class.
#pragma warning disable AK1008
        system.ActorOf(Props.Create(() => new AdminQuery(request, nodes, path, timeout, done)));
#pragma warning restore AK1008
        return done.Task;
    }

    protected override void PreStart()
    {
        foreach (var node in _nodes)
        {
            var path = _registryPath.Aggregate((ActorPath)new RootActorPath(node), (parent, element) => parent / element);
            Context.ActorSelection(path).Tell(_request, Self);
        }

        _timer = Context.System.Scheduler.ScheduleTellOnceCancelable(_timeout, Self, TimedOut.Instance, Self);
        CompleteIfAllAnswered();
    }

    protected override void PostStop()
    {
        _timer?.Cancel();
        // Stopped for any other reason (the system is shutting down): the HTTP request must not wait forever.
        _done.TrySetResult(new Result(_answers, [.. _nodes.Where(n => !_answers.ContainsKey(n))]));
    }

    protected override void OnReceive(object message)
    {
        if (message is TimedOut)
        {
            Context.Stop(Self);
            return;
        }

        // An answer from this node comes from a local actor, whose address has no host: it is this node's.
        var node = Sender.Path.Address.HasLocalScope ? _self : Sender.Path.Address;
        _answers[node] = message;
        CompleteIfAllAnswered();
    }

    private void CompleteIfAllAnswered()
    {
        if (_nodes.All(_answers.ContainsKey))
        {
            Context.Stop(Self);
        }
    }
}
