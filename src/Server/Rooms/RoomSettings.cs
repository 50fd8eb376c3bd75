namespace ActorGameServer.Server.Rooms;

/// <summary>The <c>game-server.rooms</c> section.</summary>
/// <param name="FlushInterval">How long a room holds relayed frames before sending them to its members; zero sends what arrived together at once.</param>
/// <param name="StartTimeout">How long a starting room waits for every node to say who of theirs is in it.</param>
public sealed record RoomSettings(int MaxMembers, int MaxRoomsPerClient, int MaxRooms, TimeSpan FlushInterval, TimeSpan StartTimeout);
