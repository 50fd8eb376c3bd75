namespace ActorGameServer.Server.Rooms;

/// <summary>The rules for player and room names, in one place (docs/PROTOCOL.md states them too).</summary>
public static class Names
{
    public const int MaxPlayerName = 32;
    public const int MaxRoomName = 64;

    /// <summary>The trimmed name, or null with the reason when it is not acceptable.</summary>
    public static string? CheckPlayerName(string raw, out string? problem)
    {
        var name = raw.Trim();
        problem = name.Length switch
        {
            0 => "the name is empty",
            > MaxPlayerName => $"the name is longer than {MaxPlayerName} characters",
            _ => name.Any(char.IsControl) ? "the name contains control characters" : null,
        };
        return problem is null ? name : null;
    }

    /// <summary>Null when <paramref name="room"/> is a valid room name, otherwise the reason.</summary>
    public static string? CheckRoomName(string room) => room.Length switch
    {
        0 => "the room name is empty",
        > MaxRoomName => $"the room name is longer than {MaxRoomName} characters",
        _ => room.All(IsRoomChar) ? null : "a room name may only use A-Z a-z 0-9 _ . : -",
    };

    private static bool IsRoomChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or ':' or '-';
}
