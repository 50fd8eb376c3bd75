namespace ActorGameServer.Server.Hosting;

/// <summary>
/// Whether this server takes players yet: set once its node is Up in the cluster
/// (<see cref="ClusterMembership"/>). The game port is only bound from then on; the HTTP listener,
/// which Kestrel starts with the host, checks this before it accepts a WebSocket player.
/// </summary>
public sealed class PlayerReadiness
{
    private volatile bool _ready;

    public bool IsReady => _ready;

    internal void MarkReady() => _ready = true;
}
