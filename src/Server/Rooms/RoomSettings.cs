namespace ActorGameServer.Server.Rooms;

/// <summary>The <c>game-server.rooms</c> section.</summary>
public sealed record RoomSettings(int MaxMembers, int MaxRoomsPerClient, int MaxRooms);
