using Akka.Actor;

namespace ActorGameServer.Server.Tests.Support;

/// <summary>
/// Creates one child and forwards what the child tells its parent to a probe, so a test can see
/// what a client actor reports to the registry. Children that throw are stopped, as in the registry.
/// </summary>
public sealed class ParentProxy : ReceiveActor
{
    public ParentProxy(Props child, IActorRef probe)
    {
        var created = Context.ActorOf(child, "child");
        Receive<GetChild>(_ => Sender.Tell(created));
        ReceiveAny(message => probe.Forward(message));
    }

    public sealed record GetChild
    {
        public static readonly GetChild Instance = new();
    }

    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Stop);
}
