using System.Diagnostics;
using System.Net;
using ActorGameServer.Protocol;
using ActorGameServer.Server.Clustering;
using ActorGameServer.Server.Configuration;
using ActorGameServer.Server.Diagnostics;
using ActorGameServer.Server.Routing;
using ActorGameServer.Server.Sessions;
using ActorGameServer.Server.Transports;
using Akka.Actor;
using Akka.DistributedData;
using Akka.Event;

namespace ActorGameServer.Server.Actors;

/// <summary>
/// Knows every connected client, on every transport. It admits or refuses each new connection
/// (the caps count TCP and WebSocket players alike), assigns user ids, creates and supervises one
/// <see cref="ClientActor"/> per admitted connection, hands each the command table, keeps the
/// online count right whatever the reason a client ended, asks every client a few times per
/// idle timeout to check whether it went idle, and closes everyone when the server stops.
/// </summary>
public sealed partial class ClientRegistry : UntypedActor, IWithTimers
{
    // Direct, NoSuchUser, AccountSignedIn, the admin messages (ClientRegistry.Admin.cs) and the moves (ClientRegistry.Move.cs) cross nodes (ClusterMessageSerializer); the rest never leave this node, and say so (INoSerializationVerificationNeeded), so tests that serialize every message spare them.
    /// <summary>
    /// A transport accepted a connection: admit it (answered with <see cref="Admitted"/>) or
    /// refuse it (answered with <see cref="Refused"/>; the transport tells the client why and closes).
    /// </summary>
    public sealed record Admit(IClientConnection Connection) : INoSerializationVerificationNeeded;

    public sealed record Admitted(IActorRef Client) : INoSerializationVerificationNeeded;

    public sealed record Refused(IClientConnection Connection, ProtocolError Error) : INoSerializationVerificationNeeded;

    /// <summary>Asks how many clients are connected; answered with <see cref="OnlineCount"/>.</summary>
    public sealed record GetOnlineCount : INoSerializationVerificationNeeded
    {
        public static readonly GetOnlineCount Instance = new();
    }

    public sealed record OnlineCount(int Count) : INoSerializationVerificationNeeded;

    /// <summary>
    /// Tell every client the server is stopping and close them; answered with <see cref="AllClientsClosed"/>.
    /// From then on, a newly accepted connection is told the same and closed instead of joining.
    /// </summary>
    public sealed record CloseAll(string Reason, TimeSpan ReconnectAfter) : INoSerializationVerificationNeeded;

    public sealed record AllClientsClosed(int Closed) : INoSerializationVerificationNeeded;

    /// <summary>
    /// This node is Up in its cluster and holds number <paramref name="NodeNumber"/>: from now on
    /// user ids are this node's (<see cref="UserIds"/>). Sent before any transport accepts players.
    /// </summary>
    public sealed record NodeUp(int NodeNumber) : INoSerializationVerificationNeeded;

    /// <summary>
    /// DIRECT: deliver <paramref name="Data"/> from one player to another, by user id. Sent by the
    /// sender's ClientActor to its node's registry, which hands it on to the registry of the node
    /// whose number is in <paramref name="To"/> (<see cref="UserIds"/>) when that is another node;
    /// crosses nodes (ClusterMessageSerializer).
    /// </summary>
    public sealed record Direct(long From, long To, RawJson Data, RawJson? Id);

    /// <summary>
    /// Another node's registry found no player <paramref name="To"/>: the sender's registry
    /// answers <paramref name="ReplyTo"/> (the sender's ClientActor) no_such_user. Crosses nodes.
    /// </summary>
    public sealed record NoSuchUser(IActorRef ReplyTo, long To, RawJson? Id);

    /// <summary>
    /// RESUME, from the ClientActor of the connection that sent it: find the detached session
    /// <paramref name="Token"/> names and hand it the connection (<see cref="ClientActor.Adopt"/>),
    /// or answer <see cref="ClientActor.ResumeRefused"/>.
    /// </summary>
    public sealed record Resume(string Token, RawJson? Id) : INoSerializationVerificationNeeded;

    /// <summary>A client actor stopped, for whatever reason (see <see cref="ClientSupervision"/>).</summary>
    private sealed record ClientStopped(IActorRef Client) : INoSerializationVerificationNeeded;

    /// <summary>Time to ask every client whether it went idle.</summary>
    private sealed record SweepIdle : INoSerializationVerificationNeeded
    {
        public static readonly SweepIdle Instance = new();
    }

    private sealed record ClientEntry(long UserId)
    {
        public required IPAddress Address { get; set; }
        public required EndPoint Remote { get; set; }
        public required string Transport { get; set; }
        public ClientActor.Disconnected? Disconnected { get; set; }
        // SHA-256 of the secret of the session's current token; null when resume is off.
        public byte[]? SessionHash { get; set; }
        // The connection dropped and the session waits for a RESUME.
        public bool Detached { get; set; }
        // The new connection's actor a RESUME is being handed to, until the session says it resumed.
        public IActorRef? ResumingBy { get; set; }
        // This actor only forwards a resumed session's connection: not a player of its own.
        public bool IsForwarder { get; set; }
        // The node this detached session is moving to, where its player reconnected.
        public Address? MovingTo { get; set; }
    }

    private readonly GameServerSettings _settings;
    private readonly CommandRoutes _routes;
    private readonly IActorRef _roomDirectory;
    private readonly Dictionary<long, IActorRef> _clientsByUserId = [];
    private readonly Dictionary<IActorRef, ClientEntry> _clients = [];
    private readonly Dictionary<IPAddress, int> _connectionsPerAddress = [];
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly List<IActorRef> _waitingForEmpty = [];

    private CloseAll? _closing;
    private readonly LogThrottle _refusalLog = new(TimeSpan.FromSeconds(10));
    private int _closingCount;
    private int _forwarders; // Entries in _clients that are not players (ClientEntry.IsForwarder).
    private UserIds? _userIds; // Until NodeUp: no player is admitted before that.

    // The cluster's node numbers (Distributed Data, subscribed for this actor by ClusterMembership):
    // where a DIRECT to another node's user id goes. Empty outside a cluster (unit tests).
    private LWWDictionary<int, string> _nodeTable = LWWDictionary<int, string>.Empty;
    private Akka.Cluster.Cluster? _cluster;

    public ClientRegistry(GameServerSettings settings, CommandRoutes routes, IActorRef roomDirectory)
    {
        _settings = settings;
        _routes = routes;
        _roomDirectory = roomDirectory;
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(GameServerSettings settings, CommandRoutes routes, IActorRef roomDirectory) =>
        Akka.Actor.Props.Create(() => new ClientRegistry(settings, routes, roomDirectory));

    /// <summary>
    /// One timer for all clients instead of one per client: an idle player then holds no scheduler
    /// registration (about 0.26 KB each). A client is closed between idle-timeout and
    /// idle-timeout plus a quarter of it after its last frame; the price is one small message per
    /// client per sweep (10,000 players at the default 30 s: about 1,300 a second).
    /// </summary>
    protected override void PreStart()
    {
        // With auth.required, the same sweep ends connections that did not sign in in time, so it
        // runs often enough for the shorter of the two timeouts.
        var sweepFor = _settings.Auth.Required && _settings.Auth.Timeout < _settings.IdleTimeout ? _settings.Auth.Timeout : _settings.IdleTimeout;
        Timers.StartPeriodicTimer(nameof(SweepIdle), SweepIdle.Instance, sweepFor / 4);
        StartSamplingTraffic();
    }

    protected override SupervisorStrategy SupervisorStrategy() => new ClientSupervision();

    /// <summary>
    /// A client that throws is stopped, and only that client: its connection closes through the
    /// death pact with Akka.IO. Restarting would lose its buffered bytes mid-frame, which is worse
    /// than asking the player to reconnect. The ClientActor logs its own failure, with its user id.
    /// <para>
    /// Every client that stops, for any reason (closed, failed, stopped by this strategy), is
    /// reported to the registry as <see cref="ClientStopped"/>. Akka tells a parent of each child
    /// that terminates and calls this hook then, so the registry learns of every end without
    /// watching its clients: a Watch per client cost a system message on every accept and about
    /// 60 bytes per connection in the registry's DeathWatch table, for news a parent gets anyway.
    /// The message is sent after the child stopped, so it arrives after the child's own
    /// <see cref="ClientActor.Disconnected"/>, as Terminated did.
    /// </para>
    /// </summary>
    private sealed class ClientSupervision() : OneForOneStrategy(-1, -1, _ => Directive.Stop, loggingEnabled: false)
    {
        public override void HandleChildTerminated(IActorContext actorContext, IActorRef child, IEnumerable<IInternalActorRef> children) =>
            actorContext.Self.Tell(new ClientStopped(child), ActorRefs.NoSender);
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case NodeUp up:
                _userIds = new UserIds(up.NodeNumber);
                _log.Info("node number {0}: this node's user ids are {1} to {2}", up.NodeNumber, _userIds.First, _userIds.Last);
                break;
            case Admit admit:
                OnAdmit(admit.Connection);
                break;
            case ClientActor.Disconnected disconnected when _clients.TryGetValue(Sender, out var entry):
                entry.Disconnected = disconnected;
                RefuseResumeInProgress(entry, "the session ended meanwhile");
                break;
            case ClientStopped stopped when _clients.Remove(stopped.Client, out var gone):
                ForgetAccountOf(stopped.Client);
                OnClientStopped(stopped.Client, gone);
                break;
            case Resume resume:
                OnResume(resume);
                break;
            case IMoveMessage move:
                OnMoveMessage(move);
                break;
            case ClientActor.SessionDetached detached when _clients.TryGetValue(Sender, out var entry):
                entry.Detached = true;
                GameMetrics.ConnectionDetached(entry.Transport);
                _log.InfoEvent("client_detached", "client {UserId} lost its connection: {Why}; its session waits {ResumeWindow} for a RESUME", detached.UserId, new Disconnection(new ClientActor.Disconnected(detached.UserId, detached.Reason, detached.Detail), entry.Remote, entry.Transport), _settings.Sessions.ResumeWindow);
                break;
            case ClientActor.SessionResumed resumed when _clients.TryGetValue(Sender, out var entry)
                && _clients.TryGetValue(resumed.Forwarder, out var forwarder):
                OnSessionResumed(entry, forwarder);
                break;
            case SweepIdle:
                foreach (var client in _clients.Keys)
                {
                    client.Tell(ClientActor.CheckIdle.Instance, ActorRefs.NoSender);
                }

                break;
            case GetOnlineCount:
                Sender.Tell(new OnlineCount(Players));
                break;
            case CloseAll closeAll:
                OnCloseAll(closeAll);
                break;
            case Direct direct:
                OnDirect(direct);
                break;
            case SignedIn signedIn:
                OnSignedIn(signedIn);
                break;
            case AccountSignedIn accountSignedIn:
                OnAccountSignedIn(accountSignedIn);
                break;
            case NoSuchUser noSuchUser:
                AnswerNoSuchUser(noSuchUser.ReplyTo, noSuchUser.To, noSuchUser.Id);
                break;
            case IAdminMessage admin:
                OnAdminMessage(admin);
                break;
            case Changed changed when changed.Key.Equals(NodeTable.Key):
                _nodeTable = changed.Get(NodeTable.Key);
                _cluster ??= Akka.Cluster.Cluster.Get(Context.System); // Only a cluster's registry is subscribed.
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void OnDirect(Direct direct)
    {
        if (_clientsByUserId.TryGetValue(direct.To, out var target))
        {
            target.Tell(new ClientActor.Send(ServerFrames.Direct(direct.From, direct.Data)));
            return;
        }

        if (MovedFromHere(direct.To) is { } movedTo)
        {
            RegistryOn(movedTo).Tell(direct, Sender); // Its session moved to that node; answered from there.
            return;
        }

        // Not here: on the node whose number the id carries, if that is another live node. A
        // DIRECT that came from another node is never handed on again.
        var node = UserIds.NodeOf(direct.To);
        var fromHere = Sender.Path.Address.HasLocalScope;
        if (fromHere && node != _userIds?.NodeNumber && _cluster is not null
            && NodeTable.AddressOf(_nodeTable, node, _cluster.State.Members) is { } address)
        {
            RegistryOn(address).Tell(direct, Sender);
            return;
        }

        if (fromHere)
        {
            AnswerNoSuchUser(Sender, direct.To, direct.Id);
        }
        else
        {
            // The sender's registry answers it, in its own node's terms (the error frame is built there).
            RegistryOn(Sender.Path.Address).Tell(new NoSuchUser(Sender, direct.To, direct.Id));
        }
    }

    /// <summary>The registry of the node at <paramref name="address"/>: every node has this one at the same path.</summary>
    private ActorSelection RegistryOn(Address address) => Context.ActorSelection(new RootActorPath(address) / Self.Path.Elements);

    private static void AnswerNoSuchUser(IActorRef replyTo, long to, RawJson? id)
    {
        var error = new ProtocolError(ErrorCode.NoSuchUser, $"no player with user_id {to} is connected");
        replyTo.Tell(new ClientActor.Send(GameMetrics.ErrorFrame(error, id)));
    }

    private void OnAdmit(IClientConnection connection)
    {
        var address = connection.ClientAddress;
        if (RefusalFor(address) is { } refusal)
        {
            GameMetrics.ConnectionRefused(refusal.Code == ErrorCode.ServerFull ? RefusalReason.ServerFull : RefusalReason.TooManyConnections);
            LogRefusal(connection.Remote, refusal);
            Sender.Tell(new Refused(connection, refusal));
            return;
        }

        if (_userIds?.Next() is not { } userId)
        {
            // Not Up yet (the transports wait for Up, so this is a bug if it happens), or every id
            // of this node's 2^32 - 1 is spent: a restart gives the node a new range.
            var error = new ProtocolError(ErrorCode.ServerFull, _userIds is null
                ? "the server is not ready for players yet; try again later"
                : "this server has handed out all of its user ids; try another server");
            GameMetrics.ConnectionRefused(_userIds is null ? RefusalReason.NotReady : RefusalReason.ServerFull);
            LogRefusal(connection.Remote, error);
            Sender.Tell(new Refused(connection, error));
            return;
        }

        _connectionsPerAddress[address] = _connectionsPerAddress.GetValueOrDefault(address) + 1;
        var (token, hash) = _settings.Sessions.Enabled ? SessionToken.Create(userId) : (null, null);
        var client = Context.ActorOf(ClientActor.Props(userId, connection, _settings, _routes, _roomDirectory, token), $"client-{userId}");
        _clientsByUserId.Add(userId, client);
        _clients.Add(client, new ClientEntry(userId) { Address = address, Remote = connection.Remote, Transport = connection.Transport, SessionHash = hash });
        GameMetrics.ConnectionAccepted(connection.Transport);
        _log.InfoEvent("client_connected", "client {UserId} connected from {Remote} over {Transport} ({Online} online)", userId, connection.Remote, connection.Transport, Players);
        Sender.Tell(new Admitted(client));
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
        if (Players >= _settings.MaxConnections)
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
        if (_refusalLog.TryPass(out var notLogged))
        {
            _log.WarningEvent("connection_refused", "refused connection from {Remote}: {Detail} ({NotLogged} more refused since the last such line)", remote, refusal.Detail, notLogged);
        }
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

    /// <summary>Players: every client actor but the forwarders of resumed sessions. A detached session is a player (its seats, id and buffer are held).</summary>
    private int Players => _clients.Count - _forwarders;

    private void OnClientStopped(IActorRef client, ClientEntry gone)
    {
        if (gone.IsForwarder)
        {
            _forwarders--; // Its connection, address and count belong to the session it forwarded to.
            ReplyIfAllClosed();
            return;
        }

        ReleaseAddress(gone.Address);
        if (_clientsByUserId.TryGetValue(gone.UserId, out var holder) && holder.Equals(client))
        {
            _clientsByUserId.Remove(gone.UserId); // Unless its session moved back here meanwhile, in another actor.
        }

        RefuseResumeInProgress(gone, "the session ended meanwhile");
        var reason = gone.Disconnected?.Reason ?? CloseReason.ServerError;
        if (reason == CloseReason.Moved)
        {
            OnSessionMovedAway(gone);
            ReplyIfAllClosed();
            return;
        }

        TellHomeSessionEnded(gone.UserId);
        if (gone.Detached)
        {
            GameMetrics.DetachedSessionEnded(reason);
        }
        else
        {
            GameMetrics.ConnectionEnded(gone.Transport, reason);
        }

        _log.InfoEvent("client_disconnected", "client {UserId} disconnected: {Why} ({Online} online)", gone.UserId, new Disconnection(gone.Disconnected, gone.Remote, gone.Transport), Players);
        ReplyIfAllClosed();
    }

    private void OnResume(Resume resume)
    {
        if (!_settings.Sessions.Enabled)
        {
            RefuseResume(Sender, resume.Id, "session resume is off on this server");
            return;
        }

        if (!SessionToken.TryParse(resume.Token, out var userId, out var hash))
        {
            RefuseResume(Sender, resume.Id, "not a session token");
            return;
        }

        if (!_clientsByUserId.ContainsKey(userId))
        {
            if (WhereSessionLives(userId) is { } elsewhere)
            {
                // The session is on another node: it moves here, where the connection is (ClientRegistry.Move.cs).
                RegistryOn(elsewhere).Tell(new ResumeElsewhere(resume.Token, resume.Id, Sender, Self, Forwarded: false));
                return;
            }

            if (!IsHomeOf(userId))
            {
                RefuseResume(Sender, resume.Id, $"the session belongs to node {UserIds.NodeOf(userId)} of the cluster, which is not a member now");
                return;
            }
        }

        TakeOverSession(userId, hash, Sender, resume.Id, requesterRegistry: null);
    }

    /// <summary>
    /// Hands the detached session <paramref name="userId"/> of this node to the connection behind
    /// <paramref name="connection"/> if <paramref name="hash"/> is its token's: here (<see cref="ClientActor.Adopt"/>)
    /// or, when <paramref name="requesterRegistry"/> is another node's, there (<see cref="ClientActor.Emigrate"/>).
    /// </summary>
    private void TakeOverSession(long userId, byte[] hash, IActorRef connection, RawJson? id, IActorRef? requesterRegistry)
    {
        // One answer for every way a token can be wrong, so it tells a guesser nothing. A session
        // still attached is taken over too: its player knows its connection is dead (a pulled
        // cable, a phone that changed networks) before the server can (ClientActor.TakeOver).
        if (!_clientsByUserId.TryGetValue(userId, out var session) || !_clients.TryGetValue(session, out var entry)
            || entry.SessionHash is not { } expected || !SessionToken.Matches(expected, hash)
            || entry.Disconnected is not null || session.Equals(connection) || entry.ResumingBy is not null || entry.MovingTo is not null)
        {
            RefuseResume(connection, id, "no session waits for this token: it is wrong, expired, or already used");
            return;
        }

        var (next, nextHash) = SessionToken.Create(userId);
        entry.SessionHash = nextHash; // A token resumes once.
        if (requesterRegistry is null)
        {
            entry.ResumingBy = connection;
            session.Tell(new ClientActor.Adopt(connection, id, next));
        }
        else
        {
            entry.MovingTo = requesterRegistry.Path.Address;
            session.Tell(new ClientActor.Emigrate(requesterRegistry, connection, id, next));
        }
    }

    private static void RefuseResume(IActorRef replyTo, RawJson? id, string detail) =>
        replyTo.Tell(new ClientActor.ResumeRefused(GameMetrics.ErrorFrame(new ProtocolError(ErrorCode.BadSession, detail), id)));

    private static void RefuseResumeInProgress(ClientEntry entry, string detail)
    {
        if (entry.ResumingBy is { } waiting)
        {
            entry.ResumingBy = null;
            waiting.Tell(new ClientActor.ResumeRefused(GameMetrics.ErrorFrame(new ProtocolError(ErrorCode.BadSession, detail))));
        }
    }

    /// <summary>
    /// The session took over the connection its forwarder accepted: that connection's fresh user id
    /// is released (nobody saw it: it joined nothing), and the session counts against the new
    /// connection's address instead of the old one's.
    /// </summary>
    private void OnSessionResumed(ClientEntry session, ClientEntry forwarder)
    {
        session.Detached = false;
        session.ResumingBy = null;
        ReleaseAddress(session.Address);
        session.Address = forwarder.Address;
        session.Remote = forwarder.Remote;
        session.Transport = forwarder.Transport;
        forwarder.IsForwarder = true;
        forwarder.SessionHash = null;
        _forwarders++;
        _clientsByUserId.Remove(forwarder.UserId);
        GameMetrics.SessionResumed();
        _log.InfoEvent("client_resumed", "client {UserId} resumed its session from {Remote} over {Transport} (user id {FreshUserId} released unused)", session.UserId, session.Remote, session.Transport, forwarder.UserId);
    }
}
