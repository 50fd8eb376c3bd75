namespace ActorGameServer.Server.Hosting;

/// <summary>
/// Whether this server takes players: from when its node is Up in the cluster
/// (<see cref="ClusterMembership"/>) until it starts to stop. The game port is only bound from Up
/// on; the HTTP listener, which Kestrel starts with the host, checks this before it accepts a
/// WebSocket player, and <c>/readyz</c> reports it, so a load balancer sends nobody new from the
/// moment a stop begins (SIGTERM, or the cluster downing this node) while the players here are
/// still being told SHUTDOWN.
/// </summary>
public sealed class PlayerReadiness
{
    private volatile bool _ready;
    private volatile bool _stopping;

    public bool IsReady => _ready && !_stopping;

    /// <summary>Why the node is not ready, for <c>/readyz</c>; null when it is.</summary>
    public string? NotReadyBecause => _stopping ? "stopping" : _ready ? null : "not yet Up in its cluster";

    internal void MarkReady() => _ready = true;

    internal void MarkStopping() => _stopping = true;
}
