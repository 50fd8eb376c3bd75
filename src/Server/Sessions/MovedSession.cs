using ActorGameServer.Protocol;
using Akka.Actor;

namespace ActorGameServer.Server.Sessions;

/// <summary>
/// A detached session on its way to the node where its player reconnected (a RESUME there): who
/// the player is, its seats, and the pushes it missed, in order. Crosses nodes
/// (ClusterMessageSerializer). What the player asks for next starts fresh there: the rate budget,
/// the idle clock.
/// </summary>
/// <param name="Rooms">Each room the player is in, with the room actor its requests go to (null while that room moves).</param>
/// <param name="Missed">The pushes kept for the RESUME, oldest first.</param>
public sealed record MovedSession(PlayerInfo Player, IReadOnlyList<MovedSession.Seat> Rooms, IReadOnlyList<EncodedFrame> Missed)
{
    public sealed record Seat(string Room, IActorRef? RoomActor);
}
