namespace ActorGameServer.Server.Rooms;

/// <summary>A message for one room, delivered by the shard region to wherever the room lives (<see cref="RoomSharding"/>).</summary>
public interface IRoomMessage
{
    /// <summary>The room's name, which is its entity id.</summary>
    string Room { get; }
}
