namespace ActorGameServer.Baseline;

/// <summary>
/// One connected player as the rooms see it. <see cref="Name"/> and <see cref="Rooms"/> are
/// changed only by the player's own read loop; other loops read <see cref="Name"/> (in JOINED
/// lists) only while the player is in a room, and HELLO is refused then, so it never changes
/// under them.
/// </summary>
internal sealed class Player(long userId)
{
    public long UserId { get; } = userId;

    public string Name { get; set; } = $"player-{userId}";

    public Outbox Outbox { get; } = new();

    /// <summary>The rooms this player is in, by name.</summary>
    public Dictionary<string, Room> Rooms { get; } = new(StringComparer.Ordinal);
}
