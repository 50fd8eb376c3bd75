using System.Net;
using ActorGameServer.Server.Configuration;
using ActorGameServer.Server.Transports.Tcp;
using Akka.Actor;
using Akka.Event;
using Akka.IO;

namespace ActorGameServer.Server.Actors;

/// <summary>
/// Binds the game port through the Akka.IO TCP manager and hands every accepted connection to
/// the <see cref="ClientRegistry"/>, which admits it or refuses it; a refused one is told why by a
/// short-lived <see cref="ConnectionRejecter"/>. It binds when told to <see cref="Listen"/> (once
/// this node is Up in the cluster). Start-up asks it whether the bind worked; shutdown asks it to
/// unbind once the players are closed (unbinding resets any connection still open).
/// </summary>
public sealed class ListenerActor : UntypedActor
{
    /// <summary>Bind the game port and accept players; sent once, when this node is ready for them.</summary>
    public sealed record Listen
    {
        public static readonly Listen Instance = new();
    }

    /// <summary>Answered with <see cref="Bound"/> or <see cref="BindFailed"/> once the bind has completed.</summary>
    public sealed record GetBinding
    {
        public static readonly GetBinding Instance = new();
    }

    public sealed record Bound(EndPoint LocalAddress);

    public sealed record BindFailed(string Reason);

    /// <summary>Stop accepting connections; answered with <see cref="Unbound"/>.</summary>
    public sealed record Unbind
    {
        public static readonly Unbind Instance = new();
    }

    public sealed record Unbound
    {
        public static readonly Unbound Instance = new();
    }

    private readonly GameServerSettings _settings;
    private readonly IActorRef _registry;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly List<IActorRef> _bindingWaiters = [];
    private readonly List<IActorRef> _unbindWaiters = [];
    private object? _binding; // Bound or BindFailed, once known
    private bool _bindRequested;
    private IActorRef? _tcpListener;

    public ListenerActor(GameServerSettings settings, IActorRef registry)
    {
        _settings = settings;
        _registry = registry;
    }

    public static Props Props(GameServerSettings settings, IActorRef registry) =>
        Akka.Actor.Props.Create(() => new ListenerActor(settings, registry));

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case Listen when _binding is null && !_bindRequested:
                _bindRequested = true;
                // Pull mode: each connection reads only when its handler asks (see TcpConnection), so a
                // flood waits in the kernel rather than in the client actor's mailbox.
                Context.System.Tcp().Tell(new Tcp.Bind(Self, _settings.EndPoint, _settings.Backlog, options: [], pullMode: true));
                break;
            case Listen:
                break; // Already bound, or shutdown came first.
            case Tcp.Connected connected:
                // Sender is Akka.IO's actor for the new connection; the client actor the registry
                // creates for it registers with it.
                var connection = new TcpConnection(Sender, connected.RemoteAddress, _settings.MaxPayload, _settings.MaxJsonDepth);
                _registry.Tell(new ClientRegistry.Admit(connection));
                break;
            case ClientRegistry.Admitted:
                break;
            case ClientRegistry.Refused { Connection: TcpConnection refused } refusal:
                Context.ActorOf(ConnectionRejecter.Props(refused.ConnectionActor, refusal.Error, _settings.CloseTimeout));
                break;
            case Tcp.Bound bound:
                _tcpListener = Sender;
                _log.Info("ActorGameServer {0} listening on {1}", ServerVersion.Current, bound.LocalAddress);
                Complete(new Bound(bound.LocalAddress));
                if (_unbindWaiters.Count > 0)
                {
                    _tcpListener.Tell(Tcp.Unbind.Instance); // Shutdown began before the bind completed.
                }

                break;
            case Tcp.CommandFailed { Cmd: Tcp.Bind }:
                var failed = (Tcp.CommandFailed)message;
                var reason = failed.Cause.HasValue ? failed.Cause.Value.Message : "the bind was refused";
                _log.Error("cannot listen on {0}: {1}", _settings.EndPoint, reason);
                Complete(new BindFailed(reason));
                ReplyUnbound();
                break;
            case GetBinding:
                if (_binding is null)
                {
                    _bindingWaiters.Add(Sender);
                }
                else
                {
                    Sender.Tell(_binding);
                }

                break;
            case Unbind:
                OnUnbind();
                break;
            case Tcp.Unbound:
                _log.Info("stopped listening on {0}", _settings.EndPoint);
                _tcpListener = null;
                ReplyUnbound();
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void Complete(object binding)
    {
        _binding = binding;
        _bindingWaiters.ForEach(waiter => waiter.Tell(binding));
        _bindingWaiters.Clear();
    }

    private void OnUnbind()
    {
        _unbindWaiters.Add(Sender);
        if (_binding is null && !_bindRequested)
        {
            // Shutdown before this node was ready: never bind, and tell whoever waits for the bind.
            Complete(new BindFailed("the server stopped before it was ready for players"));
            ReplyUnbound();
            return;
        }

        if (_binding is null)
        {
            return; // Unbinds as soon as the bind completes.
        }

        if (_tcpListener is null)
        {
            ReplyUnbound(); // Never bound, or already unbound.
        }
        else if (_unbindWaiters.Count == 1)
        {
            _tcpListener.Tell(Tcp.Unbind.Instance);
        }
    }

    private void ReplyUnbound()
    {
        _unbindWaiters.ForEach(waiter => waiter.Tell(Unbound.Instance));
        _unbindWaiters.Clear();
    }
}
