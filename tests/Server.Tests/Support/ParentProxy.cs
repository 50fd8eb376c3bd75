using Akka.Actor;

namespace ActorGameServer.Server.Tests.Support;

/// <summary>
/// Creates one child and forwards what the child tells its parent to a probe, so a test can see
/// what a client actor reports to the registry, or a room to its shard. Children that throw are
/// stopped, as in the registry.
/// </summary>
public sealed class ParentProxy : ReceiveActor
{
    public ParentProxy(Props child, IActorRef probe)
        : this(child, probe, null)
    {
    }

    /// <param name="created">Given the child as soon as it exists, for tests whose messages are all serialized (an actor ref has no binding then).</param>
    public ParentProxy(Props child, IActorRef probe, TaskCompletionSource<IActorRef>? created)
    {
        var childRef = Context.ActorOf(child, "child");
        created?.SetResult(childRef);
        Receive<GetChild>(_ => Sender.Tell(childRef));
        ReceiveAny(message => probe.Forward(message));
    }

    public sealed record GetChild
    {
        public static readonly GetChild Instance = new();
    }

    /// <summary>
    /// Passed on to the probe like anything else: told to the proxy after the child has sent
    /// whatever it was going to send before some event, it reaches the probe after all of that,
    /// so a probe whose next message is the sentinel heard nothing else.
    /// </summary>
    public sealed record Sentinel(string Name) : INoSerializationVerificationNeeded;

    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Stop);
}

public static class ParentProxies
{
    /// <summary>Starts <paramref name="child"/> under a proxy that passes what it tells its parent to <paramref name="probe"/>.</summary>
    public static (IActorRef Proxy, IActorRef Child) Start(ActorSystem system, Props child, IActorRef probe)
    {
        var created = new TaskCompletionSource<IActorRef>(TaskCreationOptions.RunContinuationsAsynchronously);
        var proxy = system.ActorOf(Props.Create(() => new ParentProxy(child, probe, created)));
        return (proxy, created.Task.WaitAsync(TimeSpan.FromSeconds(30)).GetAwaiter().GetResult());
    }
}
