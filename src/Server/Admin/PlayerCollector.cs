using ActorGameServer.Server.Actors;
using Akka.Actor;

namespace ActorGameServer.Server.Admin;

/// <summary>
/// Lists one node's players for the admin API: asks each client actor of the node for a
/// <see cref="PlayerSnapshot"/>, then answers <see cref="ClientRegistry.NodePlayers"/> to whoever
/// asked (an <see cref="AdminQuery"/>, on this node or another) and stops. Short-lived, one per
/// listing, so the registry never waits on thousands of answers in its own mailbox. A client
/// that stops before it answers is left out once <paramref name="timeout"/> passed: the
/// listing is then what was there, a little late, rather than nothing.
/// </summary>
public sealed class PlayerCollector : UntypedActor
{
    private sealed class TimedOut
    {
        public static readonly TimedOut Instance = new();
    }

    private readonly IReadOnlyCollection<IActorRef> _clients;
    private readonly IActorRef _replyTo;
    private readonly TimeSpan _timeout;
    private readonly List<PlayerSnapshot> _players = [];
    private ICancelable? _timer;

    public PlayerCollector(IReadOnlyCollection<IActorRef> clients, IActorRef replyTo, TimeSpan timeout)
    {
        _clients = clients;
        _replyTo = replyTo;
        _timeout = timeout;
    }

    public static Props Props(IReadOnlyCollection<IActorRef> clients, IActorRef replyTo, TimeSpan timeout) =>
        Akka.Actor.Props.Create(() => new PlayerCollector(clients, replyTo, timeout));

    protected override void PreStart()
    {
        if (_clients.Count == 0)
        {
            Answer();
            return;
        }

        foreach (var client in _clients)
        {
            client.Tell(ClientActor.Describe.Instance);
        }

        _timer = Context.System.Scheduler.ScheduleTellOnceCancelable(_timeout, Self, TimedOut.Instance, Self);
    }

    protected override void PostStop() => _timer?.Cancel();

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case ClientActor.Description description:
                _players.Add(description.Player);
                if (_players.Count >= _clients.Count)
                {
                    Answer();
                }

                break;
            case TimedOut:
                Answer();
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void Answer()
    {
        _replyTo.Tell(new ClientRegistry.NodePlayers([.. _players.OrderBy(p => p.UserId)]));
        Context.Stop(Self);
    }
}
