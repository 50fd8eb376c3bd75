using Akka.Actor;
using Akka.Cluster;
using Akka.DistributedData;

namespace ActorGameServer.Server.Rooms;

/// <summary>
/// The rooms of the whole cluster with their member counts, as one node sees them: exact for the
/// rooms whose actor lives on this node, and as last published in Distributed Data for the others
/// (each node publishes its own rooms under a key of its own, <see cref="KeyOf"/>). Answers ROOMS
/// and the <c>rooms.max-rooms</c> check. A plain object, owned by the <see cref="RoomDirectory"/>.
/// </summary>
public sealed class RoomListing
{
    private readonly Dictionary<string, int> _here = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _changedHere = new(StringComparer.Ordinal);
    private readonly Dictionary<UniqueAddress, IReadOnlyDictionary<string, int>> _elsewhere = [];
    private int _roomsElsewhere;

    /// <summary>
    /// A node's rooms in Distributed Data. The uid is in the key, so a node restarted at the same
    /// address starts from an empty list instead of inheriting the rooms of the one it replaces.
    /// </summary>
    public static LWWDictionaryKey<string, int> KeyOf(UniqueAddress node) => new($"game-server-rooms-{node.Address}#{node.Uid}");

    /// <summary>Rooms in the cluster (a room moving between nodes may briefly count twice).</summary>
    public int Count => _here.Count + _roomsElsewhere;

    /// <summary>Whether some node lists <paramref name="room"/> with at least one member.</summary>
    public bool Contains(string room) => _here.ContainsKey(room) || _elsewhere.Values.Any(rooms => rooms.ContainsKey(room));

    /// <summary>Every room with members, by name; this node's count wins over a published one.</summary>
    public IEnumerable<(string Room, int Members)> All()
    {
        var all = new Dictionary<string, int>(_here, StringComparer.Ordinal);
        foreach (var rooms in _elsewhere.Values)
        {
            foreach (var (room, members) in rooms)
            {
                all.TryAdd(room, members);
            }
        }

        return all.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => (r.Key, r.Value));
    }

    /// <summary>A room with members, and the address of the node its actor lives on.</summary>
    public sealed record NodeRoom(string Room, int Members, string Node);

    /// <summary>
    /// Every room with members and where it lives, for the admin API: as <see cref="All"/>, a room
    /// this node holds is listed once, as this node's (<paramref name="self"/>); a room moving
    /// between two other nodes may briefly be listed under both.
    /// </summary>
    public IEnumerable<NodeRoom> AllByNode(Address self)
    {
        var here = self.ToString();
        var all = _here.Select(r => new NodeRoom(r.Key, r.Value, here)).ToList();
        foreach (var (node, rooms) in _elsewhere)
        {
            all.AddRange(rooms.Where(r => !_here.ContainsKey(r.Key)).Select(r => new NodeRoom(r.Key, r.Value, node.Address.ToString())));
        }

        return all.OrderBy(r => r.Room, StringComparer.Ordinal).ThenBy(r => r.Node, StringComparer.Ordinal);
    }

    /// <summary>A room whose actor lives on this node has <paramref name="members"/> members now (0: it is gone).</summary>
    public void SetHere(string room, int members)
    {
        if (members > 0)
        {
            _here[room] = members;
        }
        else
        {
            _here.Remove(room);
        }

        _changedHere[room] = members;
    }

    /// <summary>Whether this node's rooms changed since <see cref="PublishChanges"/> last ran.</summary>
    public bool HasChangesToPublish => _changedHere.Count > 0;

    /// <summary>Applies this node's changes since the last call to its published list.</summary>
    public Func<LWWDictionary<string, int>, LWWDictionary<string, int>> PublishChanges(Cluster cluster)
    {
        var changes = _changedHere.ToList(); // The replicator applies it later, on its own thread.
        _changedHere.Clear();
        return published =>
        {
            foreach (var (room, members) in changes)
            {
                published = members > 0 ? published.SetItem(cluster, room, members) : published.Remove(cluster, room);
            }

            return published;
        };
    }

    /// <summary>Another node published its rooms.</summary>
    public void SetElsewhere(UniqueAddress node, LWWDictionary<string, int> rooms)
    {
        _elsewhere[node] = rooms.Entries.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
        _roomsElsewhere = _elsewhere.Values.Sum(r => r.Count);
    }

    /// <summary>A node left the cluster: its rooms went with it, or come back on other nodes, which list them then.</summary>
    public void Forget(UniqueAddress node)
    {
        if (_elsewhere.Remove(node))
        {
            _roomsElsewhere = _elsewhere.Values.Sum(r => r.Count);
        }
    }
}
