using Newtonsoft.Json.Linq;

namespace ActorGameServer.Baseline;

/// <summary>
/// All rooms: a dictionary under one lock, each room's members under the room's own lock.
/// JOIN and LEAVE take the directory lock and then the room's (always in that order, so they
/// cannot deadlock), which keeps a room from being retired while someone joins it. RELAY, the
/// frequent one, takes only its room's lock.
/// </summary>
internal sealed class RoomDirectory(int maxMembers)
{
    private readonly Dictionary<string, Room> _rooms = new(StringComparer.Ordinal);

    /// <summary>Adds the player, or queues the ERROR (room_full) to it. The caller checked it is not a member yet.</summary>
    public void Join(string name, Player player, JToken? id)
    {
        lock (_rooms)
        {
            if (!_rooms.TryGetValue(name, out var room))
            {
                room = new Room(name);
                _rooms.Add(name, room);
            }

            if (room.TryAdd(player, maxMembers, id))
            {
                player.Rooms.Add(name, room);
            }
        }
    }

    /// <summary>Removes the player from <paramref name="room"/>; retires the room when it is empty.</summary>
    public void Leave(Room room, Player player)
    {
        lock (_rooms)
        {
            player.Rooms.Remove(room.Name);
            if (room.Remove(player))
            {
                _rooms.Remove(room.Name);
            }
        }
    }

    /// <summary>A disconnect: out of every room, with the same PRESENCE left as LEAVE.</summary>
    public void LeaveAll(Player player)
    {
        foreach (var room in player.Rooms.Values.ToList())
        {
            Leave(room, player);
        }
    }
}

/// <summary>One room's members, in a list under the room's lock; frames are queued to them while it is held, so every member sees the room's frames in one order.</summary>
internal sealed class Room(string name)
{
    private readonly List<Player> _members = [];

    public string Name { get; } = name;

    /// <summary>PRESENCE joined to the others, then JOINED to the player; false (and room_full queued) when full.</summary>
    public bool TryAdd(Player player, int maxMembers, JToken? id)
    {
        lock (_members)
        {
            if (_members.Count >= maxMembers)
            {
                player.Outbox.Enqueue(Frames.Error("room_full", $"room \"{Name}\" is full ({maxMembers} members)", id));
                return false;
            }

            Broadcast(Frames.PresenceJoined(Name, player.UserId, player.Name));
            _members.Add(player);
            // Queued under the lock, so no RELAY of this room can reach the player before its JOINED.
            player.Outbox.Enqueue(Frames.Joined(Name, _members.OrderBy(m => m.UserId).Select(m => (m.UserId, m.Name)), id));
            return true;
        }
    }

    /// <summary>Removes the player and tells the others; true when the room is now empty.</summary>
    public bool Remove(Player player)
    {
        lock (_members)
        {
            _members.Remove(player);
            Broadcast(Frames.PresenceLeft(Name, player.UserId));
            return _members.Count == 0;
        }
    }

    /// <summary>The same frame bytes (encoded once) to every member but the sender.</summary>
    public void Relay(Player from, byte[] frame)
    {
        lock (_members)
        {
            foreach (var member in _members)
            {
                if (member != from)
                {
                    member.Outbox.Enqueue(frame);
                }
            }
        }
    }

    private void Broadcast(byte[] frame)
    {
        foreach (var member in _members)
        {
            member.Outbox.Enqueue(frame);
        }
    }
}
