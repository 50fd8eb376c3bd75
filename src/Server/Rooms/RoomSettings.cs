namespace ActorGameServer.Server.Rooms;

/// <summary>The <c>game-server.rooms</c> section.</summary>
/// <param name="FlushInterval">How long a room holds relayed frames before sending them to its members; zero sends what arrived together at once.</param>
public sealed record RoomSettings(int MaxMembers, int MaxRoomsPerClient, int MaxRooms, TimeSpan FlushInterval);
