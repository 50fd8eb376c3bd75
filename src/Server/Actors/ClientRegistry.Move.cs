using ActorGameServer.Protocol;
using ActorGameServer.Server.Clustering;
using ActorGameServer.Server.Diagnostics;
using ActorGameServer.Server.Sessions;
using Akka.Actor;

namespace ActorGameServer.Server.Actors;

/// <summary>
/// The registry's part in resuming on another node (<see cref="ClientActor"/>'s move). A RESUME
/// goes to the node that holds the session: the one whose number its user id carries
/// (<see cref="UserIds"/>), which remembers where each of its ids' sessions moved since, and sends
/// it on once. The node that holds it checks the token as for a RESUME of its own and tells the
/// session to move to the connection's node, whose registry starts the session's new actor there.
/// DIRECT and kicks for an id whose session moved follow it the same way.
/// </summary>
public sealed partial class ClientRegistry
{
    /// <summary>The messages handled here, so the registry's main switch needs one case for all of them.</summary>
    public interface IMoveMessage;

    /// <summary>
    /// RESUME with a token of a session this node does not hold: from the registry of the
    /// connection's node (<paramref name="Registry"/>), to the node that holds the session or knows
    /// where it went (<paramref name="Forwarded"/>: already sent on once). Crosses nodes.
    /// </summary>
    public sealed record ResumeElsewhere(string Token, RawJson? Id, IActorRef Connection, IActorRef Registry, bool Forwarded) : IMoveMessage;

    /// <summary>
    /// From a session on its way here (the sender), to the registry of the node where its player
    /// reconnected: start its new actor and hand it <paramref name="Connection"/>. Crosses nodes.
    /// </summary>
    public sealed record Immigrate(MovedSession Session, IActorRef Connection, RawJson? Id, string Token) : IMoveMessage;

    /// <summary>To the registry of the node that handed out <paramref name="UserId"/>: its session lives on the sender's node now. Crosses nodes.</summary>
    public sealed record SessionMovedHere(long UserId) : IMoveMessage;

    /// <summary>To the registry of the node that handed out <paramref name="UserId"/>: its session, which lived on the sender's node, ended. Crosses nodes.</summary>
    public sealed record MovedSessionEnded(long UserId) : IMoveMessage;

    // This node's user ids whose sessions live on another node now, and where. Created on the first move.
    private Dictionary<long, Address>? _movedAway;
    private long _movesIn; // Makes the names of moved-in sessions' actors unique.

    private void OnMoveMessage(IMoveMessage message)
    {
        switch (message)
        {
            case ResumeElsewhere resume:
                OnResumeElsewhere(resume);
                break;
            case Immigrate immigrate:
                OnImmigrate(immigrate);
                break;
            case SessionMovedHere moved when IsHomeOf(moved.UserId):
                (_movedAway ??= [])[moved.UserId] = Sender.Path.Address;
                break;
            case MovedSessionEnded ended when _movedAway is not null && _movedAway.TryGetValue(ended.UserId, out var at) && at.Equals(Sender.Path.Address):
                _movedAway.Remove(ended.UserId);
                break;
        }
    }

    /// <summary>Where the session of <paramref name="userId"/> lives when not here: the node that handed the id out, or the node it moved to from here; null when nowhere known.</summary>
    private Address? WhereSessionLives(long userId)
    {
        if (MovedFromHere(userId) is { } movedTo)
        {
            return movedTo;
        }

        return IsHomeOf(userId) || _cluster is null ? null : NodeTable.AddressOf(_nodeTable, UserIds.NodeOf(userId), _cluster.State.Members);
    }

    /// <summary>The node a session of this node's ids moved to, while that node is in the cluster.</summary>
    private Address? MovedFromHere(long userId)
    {
        if (_movedAway is null || !_movedAway.TryGetValue(userId, out var movedTo))
        {
            return null;
        }

        if (_cluster is not null && !_cluster.State.Members.Any(m => m.Address.Equals(movedTo)))
        {
            _movedAway.Remove(userId); // That node left, and its players with it.
            return null;
        }

        return movedTo;
    }

    private bool IsHomeOf(long userId) => UserIds.NodeOf(userId) == _userIds?.NodeNumber;

    private void OnResumeElsewhere(ResumeElsewhere resume)
    {
        if (!_settings.Sessions.Enabled || !SessionToken.TryParse(resume.Token, out var userId, out var hash))
        {
            RefuseResume(resume.Connection, resume.Id, "no session waits for this token: it is wrong, expired, or already used");
            return;
        }

        if (!_clientsByUserId.ContainsKey(userId) && !resume.Forwarded && MovedFromHere(userId) is { } movedTo
            && !movedTo.Equals(resume.Registry.Path.Address))
        {
            RegistryOn(movedTo).Tell(resume with { Forwarded = true }); // Moved on from here: once more, never again.
            return;
        }

        TakeOverSession(userId, hash, resume.Connection, resume.Id, resume.Registry);
    }

    /// <summary>A session arrives for a connection here: its new actor starts detached and takes the connection over.</summary>
    private void OnImmigrate(Immigrate immigrate)
    {
        var userId = immigrate.Session.Player.UserId;
        if (!_clients.TryGetValue(immigrate.Connection, out var connection) || connection.Disconnected is not null || connection.IsForwarder
            || _closing is not null || !SessionToken.TryParse(immigrate.Token, out _, out var hash))
        {
            Sender.Tell(ClientActor.MoveRefused.Instance); // The connection is gone (or this node is stopping).
            return;
        }

        var session = Context.ActorOf(ClientActor.MovedInProps(immigrate.Session, Sender, _settings, _routes, _roomDirectory), $"client-{userId}-moved-{++_movesIn}");
        _clientsByUserId[userId] = session;
        // The session counts against its connection's address, released when that connection's own entry becomes a forwarder (OnSessionResumed).
        _connectionsPerAddress[connection.Address] = _connectionsPerAddress.GetValueOrDefault(connection.Address) + 1;
        _clients.Add(session, new ClientEntry(userId)
        {
            Address = connection.Address,
            Remote = connection.Remote,
            Transport = connection.Transport,
            SessionHash = hash,
            Detached = true,
            ResumingBy = immigrate.Connection,
        });
        GameMetrics.SessionMovedIn();
        _log.InfoEvent("client_moved_in", "client {UserId}'s session moved here from {Node}, for its new connection from {Remote} over {Transport}", userId, Sender.Path.Address, connection.Remote, connection.Transport);
        session.Tell(new ClientActor.Adopt(immigrate.Connection, immigrate.Id, immigrate.Token));
        HoldMovedInAccount(session, immigrate.Session.Player.Account);
        if (IsHomeOf(userId))
        {
            _movedAway?.Remove(userId); // Back home.
        }
        else if (WhereSessionLives(userId) is { } home)
        {
            RegistryOn(home).Tell(new SessionMovedHere(userId));
        }
    }

    /// <summary>A session of this node's left for the node where its player reconnected: DIRECT and kicks follow it there.</summary>
    private void OnSessionMovedAway(ClientEntry gone)
    {
        GameMetrics.SessionMovedAway();
        if (IsHomeOf(gone.UserId) && gone.MovingTo is { } movedTo)
        {
            (_movedAway ??= [])[gone.UserId] = movedTo;
        }

        _log.InfoEvent("client_moved_away", "client {UserId}'s session moved to {Node}, where its player reconnected", gone.UserId, gone.MovingTo);
    }

    /// <summary>A session that had moved here ended: the node that handed out its id forgets where it was.</summary>
    private void TellHomeSessionEnded(long userId)
    {
        if (!IsHomeOf(userId) && WhereSessionLives(userId) is { } home)
        {
            RegistryOn(home).Tell(new MovedSessionEnded(userId));
        }
    }
}
