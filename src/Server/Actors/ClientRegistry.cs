using System.Diagnostics;
using System.Net;
using ActorGameServer.Protocol;
using ActorGameServer.Server.Configuration;
using ActorGameServer.Server.Routing;
using Akka.Actor;
using Akka.Event;

namespace ActorGameServer.Server.Actors;

/// <summary>
/// Knows every connected client. It enforces the connection caps, assigns user ids, creates and
/// supervises one <see cref="ClientActor"/> per admitted connection, hands each the command
/// table, keeps the online count right through DeathWatch whatever the reason a client ended,
/// and closes everyone when the server stops.
/// </summary>
public sealed class ClientRegistry : UntypedActor
{
    /// <summary>The listener accepted a connection; <paramref name="Connection"/> is Akka.IO's connection actor.</summary>
    public sealed record Accept(IActorRef Connection, EndPoint Remote);

    /// <summary>Asks how many clients are connected; answered with <see cref="OnlineCount"/>.</summary>
    public sealed record GetOnlineCount
    {
        public static readonly GetOnlineCount Instance = new();
    }

    public sealed record OnlineCount(int Count);

    /// <summary>
    /// Tell every client the server is stopping and close them; answered with <see cref="AllClientsClosed"/>.
    /// From then on, a newly accepted connection is told the same and closed instead of joining.
    /// </summary>
    public sealed record CloseAll(string Reason, TimeSpan ReconnectAfter);

    public sealed record AllClientsClosed(int Closed);

    /// <summary>DIRECT: deliver <paramref name="Data"/> from one player to another, by user id.</summary>
    public sealed record Direct(long From, long To, RawJson Data, RawJson? Id);

    private sealed record ClientEntry(long UserId, EndPoint Remote, IPAddress Address)
    {
        public string? Reason { get; set; }
    }

    private readonly GameServerSettings _settings;
    private readonly CommandRoutes _routes;
    private readonly IActorRef _roomDirectory;
    private readonly Dictionary<long, IActorRef> _clientsByUserId = [];
    private readonly Dictionary<IActorRef, ClientEntry> _clients = [];
    private readonly Dictionary<IPAddress, int> _connectionsPerAddress = [];
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly List<IActorRef> _waitingForEmpty = [];
    private static readonly TimeSpan RefusalLogInterval = TimeSpan.FromSeconds(10);

    private CloseAll? _closing;
    private long _lastRefusalLog;
    private int _refusalsNotLogged;
    private int _closingCount;
    private long _lastUserId;

    public ClientRegistry(GameServerSettings settings, CommandRoutes routes, IActorRef roomDirectory)
    {
        _settings = settings;
        _routes = routes;
        _roomDirectory = roomDirectory;
    }

    public static Props Props(GameServerSettings settings, CommandRoutes routes, IActorRef roomDirectory) =>
        Akka.Actor.Props.Create(() => new ClientRegistry(settings, routes, roomDirectory));

    /// <summary>
    /// A client that throws is stopped, and only that client: its connection closes through the
    /// death pact with Akka.IO and DeathWatch removes it here. Restarting would lose its buffered
    /// bytes mid-frame, which is worse than asking the player to reconnect.
    /// </summary>
    protected override SupervisorStrategy SupervisorStrategy() =>
        new OneForOneStrategy(-1, -1, _ => Directive.Stop, loggingEnabled: false); // ClientActor logs its own failure, with its user id.

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case Accept accept:
                OnAccept(accept);
                break;
            case ClientActor.Disconnected disconnected when _clients.TryGetValue(Sender, out var entry):
                entry.Reason = disconnected.Reason;
                break;
            case Terminated terminated when _clients.Remove(terminated.ActorRef, out var gone):
                ReleaseAddress(gone.Address);
                _clientsByUserId.Remove(gone.UserId);
                _log.Info("client {0} disconnected: {1} ({2} online)", gone.UserId, gone.Reason ?? "stopped unexpectedly", _clients.Count);
                ReplyIfAllClosed();
                break;
            case GetOnlineCount:
                Sender.Tell(new OnlineCount(_clients.Count));
                break;
            case CloseAll closeAll:
                OnCloseAll(closeAll);
                break;
            case Direct direct when _clientsByUserId.TryGetValue(direct.To, out var target):
                target.Tell(new ClientActor.Send(ServerFrames.Direct(direct.From, direct.Data)));
                break;
            case Direct direct:
                var error = new ProtocolError(ErrorCode.NoSuchUser, $"no player with user_id {direct.To} is connected");
                Sender.Tell(new ClientActor.Send(ServerFrames.Error(error, direct.Id)));
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void OnAccept(Accept accept)
    {
        var address = AddressOf(accept.Remote);
        if (RefusalFor(address) is { } refusal)
        {
            LogRefusal(accept.Remote, refusal);
            Context.ActorOf(ConnectionRejecter.Props(accept.Connection, refusal, _settings.CloseTimeout));
            return;
        }

        _connectionsPerAddress[address] = _connectionsPerAddress.GetValueOrDefault(address) + 1;
        var userId = ++_lastUserId;
        var client = Context.ActorOf(
            ClientActor.Props(userId, accept.Connection, accept.Remote, _settings, _routes, _roomDirectory),
            $"client-{userId}");
        Context.Watch(client);
        _clientsByUserId.Add(userId, client);
        _clients.Add(client, new ClientEntry(userId, accept.Remote, address));
        _log.Info("client {0} connected from {1} ({2} online)", userId, accept.Remote, _clients.Count);
        if (_closing is not null)
        {
            // The server is stopping: this player is told to come back later too, instead of joining.
            _closingCount++;
            client.Tell(new ClientActor.Shutdown(_closing.Reason, _closing.ReconnectAfter));
        }
    }

    /// <summary>Why a new connection from <paramref name="address"/> cannot be admitted, or null if it can.</summary>
    private ProtocolError? RefusalFor(IPAddress address)
    {
        if (_clients.Count >= _settings.MaxConnections)
        {
            return new ProtocolError(ErrorCode.ServerFull, $"the server is full ({_settings.MaxConnections} connections); try again later");
        }

        if (_connectionsPerAddress.GetValueOrDefault(address) >= _settings.MaxConnectionsPerIp)
        {
            return new ProtocolError(ErrorCode.TooManyConnections, $"{address} already has {_settings.MaxConnectionsPerIp} connections, the most one address may have");
        }

        return null;
    }

    /// <summary>
    /// A flood of connections over a cap must not flood the log too: one line per interval,
    /// saying how many more were refused since the last one.
    /// </summary>
    private void LogRefusal(EndPoint remote, ProtocolError refusal)
    {
        if (_lastRefusalLog != 0 && Stopwatch.GetElapsedTime(_lastRefusalLog) < RefusalLogInterval)
        {
            _refusalsNotLogged++;
            return;
        }

        _log.Warning("refused connection from {0}: {1} ({2} more refused since the last such line)", remote, refusal.Detail, _refusalsNotLogged);
        _lastRefusalLog = Stopwatch.GetTimestamp();
        _refusalsNotLogged = 0;
    }

    private void ReleaseAddress(IPAddress address)
    {
        var remaining = _connectionsPerAddress[address] - 1;
        if (remaining == 0)
        {
            _connectionsPerAddress.Remove(address); // Scanners from many addresses must not grow this map.
        }
        else
        {
            _connectionsPerAddress[address] = remaining;
        }
    }

    /// <summary>The address a cap counts against; an IPv4 client seen through an IPv6 socket counts as itself.</summary>
    private static IPAddress AddressOf(EndPoint remote)
    {
        var address = remote is IPEndPoint ip ? ip.Address : IPAddress.None;
        return address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
    }

    private void OnCloseAll(CloseAll closeAll)
    {
        _closing = closeAll;
        _closingCount += _clients.Count;
        _log.Info("closing {0} client connection(s) and turning new ones away: {1}", _clients.Count, closeAll.Reason);
        foreach (var client in _clients.Keys)
        {
            client.Tell(new ClientActor.Shutdown(closeAll.Reason, closeAll.ReconnectAfter));
        }

        _waitingForEmpty.Add(Sender);
        ReplyIfAllClosed();
    }

    private void ReplyIfAllClosed()
    {
        if (_clients.Count > 0 || _waitingForEmpty.Count == 0)
        {
            return;
        }

        foreach (var waiter in _waitingForEmpty)
        {
            waiter.Tell(new AllClientsClosed(_closingCount));
        }

        _waitingForEmpty.Clear();
    }
}
