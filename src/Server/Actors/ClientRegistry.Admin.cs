using ActorGameServer.Protocol;
using ActorGameServer.Server.Admin;
using ActorGameServer.Server.Clustering;
using Akka.Actor;
using Akka.Event;

namespace ActorGameServer.Server.Actors;

/// <summary>
/// The registry's part in the admin API (src/Server/Hosting/AdminApi.cs): each node's registry
/// answers for its own players, and the API asks every node's (<see cref="AdminQuery"/>). All of
/// these messages cross nodes (ClusterMessageSerializer) except the sampling timer's.
/// </summary>
public sealed partial class ClientRegistry
{
    /// <summary>The messages handled here, so the registry's main switch needs one case for all of them.</summary>
    public interface IAdminMessage;

    /// <summary>How long a node gives its clients to describe themselves before it answers a listing with those that did.</summary>
    public static readonly TimeSpan ListPlayersTimeout = TimeSpan.FromSeconds(1.5);

    /// <summary>This node's numbers; answered with <see cref="NodeStats"/>.</summary>
    public sealed record GetNodeStats : IAdminMessage
    {
        public static readonly GetNodeStats Instance = new();
    }

    /// <summary>Players on this node, this process's frame rates (<see cref="TrafficRate"/>), and how long this node has run.</summary>
    public sealed record NodeStats(int PlayersOnline, double FramesInPerSecond, double FramesOutPerSecond, double UptimeSeconds);

    /// <summary>Lists this node's players; answered with <see cref="NodePlayers"/> (by a <see cref="PlayerCollector"/>).</summary>
    public sealed record ListPlayers : IAdminMessage
    {
        public static readonly ListPlayers Instance = new();
    }

    public sealed record NodePlayers(IReadOnlyList<PlayerSnapshot> Players);

    /// <summary>
    /// Disconnect player <paramref name="UserId"/> with ERROR kicked and <paramref name="Reason"/>
    /// as its detail; answered with <see cref="KickResult"/>. Routed to the node whose number is in
    /// the user id, as DIRECT is. <paramref name="By"/> names the administrator (their address) for the log.
    /// </summary>
    public sealed record KickPlayer(long UserId, string Reason, string By) : IAdminMessage;

    /// <summary><paramref name="Found"/>: the player was connected and is being disconnected.</summary>
    public sealed record KickResult(long UserId, bool Found);

    /// <summary>Push NOTICE <paramref name="Message"/> to every player of this node; answered with <see cref="NoticeSent"/>.</summary>
    public sealed record BroadcastNotice(string Message, string By) : IAdminMessage;

    public sealed record NoticeSent(int Players);

    private sealed record SampleTraffic : IAdminMessage, INoSerializationVerificationNeeded
    {
        public static readonly SampleTraffic Instance = new();
    }

    private readonly TrafficRate _trafficRate = new();

    private void StartSamplingTraffic() =>
        Timers.StartPeriodicTimer(nameof(SampleTraffic), SampleTraffic.Instance, TrafficRate.Interval);

    private void OnAdminMessage(IAdminMessage message)
    {
        switch (message)
        {
            case SampleTraffic:
                _trafficRate.Sample();
                break;
            case GetNodeStats:
                Sender.Tell(new NodeStats(Players, _trafficRate.FramesInPerSecond, _trafficRate.FramesOutPerSecond, Math.Round(Context.System.Uptime.TotalSeconds, 1)));
                break;
            case ListPlayers:
                // Not a child: every child of the registry is a client (ClientSupervision counts each one that stops).
#pragma warning disable AK1008
                Context.System.ActorOf(PlayerCollector.Props([.. _clients.Where(c => !c.Value.IsForwarder).Select(c => c.Key)], Sender, ListPlayersTimeout));
#pragma warning restore AK1008
                break;
            case KickPlayer kick:
                OnKick(kick);
                break;
            case BroadcastNotice notice:
                var frame = ServerFrames.Notice(notice.Message); // Built once for all of this node's players.
                foreach (var client in _clients.Keys)
                {
                    client.Tell(new ClientActor.Send(frame));
                }

                _log.Info("notice from the administrator at {0} sent to {1} player(s) on this node: {2}", notice.By, _clients.Count, notice.Message);
                Sender.Tell(new NoticeSent(_clients.Count));
                break;
        }
    }

    /// <summary>The player is here, or on the node whose number its id carries (routed like <see cref="OnDirect"/>), or nowhere.</summary>
    private void OnKick(KickPlayer kick)
    {
        if (_clientsByUserId.TryGetValue(kick.UserId, out var client))
        {
            client.Tell(new ClientActor.Kick(kick.Reason, kick.By)); // The client logs it, with its name and address.
            Sender.Tell(new KickResult(kick.UserId, Found: true));
            return;
        }

        if (MovedFromHere(kick.UserId) is { } movedTo)
        {
            RegistryOn(movedTo).Tell(kick, Sender); // Its session moved to that node, which answers the asker.
            return;
        }

        // A kick that came from another node is never handed on again.
        var node = UserIds.NodeOf(kick.UserId);
        if (Sender.Path.Address.HasLocalScope && node != _userIds?.NodeNumber && _cluster is not null
            && NodeTable.AddressOf(_nodeTable, node, _cluster.State.Members) is { } address)
        {
            RegistryOn(address).Tell(kick, Sender); // The other node's registry answers the asker directly.
            return;
        }

        Sender.Tell(new KickResult(kick.UserId, Found: false));
    }
}
