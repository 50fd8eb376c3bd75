using ActorGameServer.Protocol;
using ActorGameServer.Server.Admin;
using ActorGameServer.Server.Diagnostics;
using ActorGameServer.Server.Sessions;
using Akka.Actor;
using Akka.Event;

namespace ActorGameServer.Server.Actors;

/// <summary>The client's part in the admin API: describing itself for the players list, and being kicked.</summary>
public sealed partial class ClientActor
{
    /// <summary>
    /// An administrator disconnects this player: ERROR kicked with <paramref name="Reason"/> as
    /// the detail, then the usual graceful close; its rooms tell the others PRESENCE left when
    /// the actor stops. <paramref name="By"/> is the administrator's address, for the log.
    /// </summary>
    public sealed record Kick(string Reason, string By) : INoSerializationVerificationNeeded;

    /// <summary>Asks for a <see cref="PlayerSnapshot"/>, answered with <see cref="Description"/> in every state (a closing player is still connected).</summary>
    public sealed record Describe : INoSerializationVerificationNeeded
    {
        public static readonly Describe Instance = new();
    }

    public sealed record Description(PlayerSnapshot Player) : INoSerializationVerificationNeeded;

    private void OnKick(Kick kick)
    {
        _log.InfoEvent("player_kicked", "{Client}, named \"{Name}\", kicked by the administrator at {Admin}: {KickReason}", Who, _session.Player.Name, kick.By, kick.Reason);
        ((ISessionHost)this).Close(CloseReason.Kicked, new ProtocolError(ErrorCode.Kicked, kick.Reason));
    }

    private PlayerSnapshot Snapshot()
    {
        var traffic = _session.Traffic;
        return new PlayerSnapshot(
            _session.UserId,
            _session.Player.Name,
            _connection.Remote.ToString() ?? "",
            _connection.Transport,
            [.. _session.Rooms.Keys.Order(StringComparer.Ordinal)],
            traffic.ConnectedAt,
            traffic.FramesIn,
            traffic.FramesOut,
            traffic.BytesIn,
            traffic.BytesOut);
    }
}
