using System.Text.Json;
using System.Text.Json.Serialization;

namespace ActorGameServer.Server.Hosting;

/// <summary>
/// The admin API's response bodies, written in snake_case (<see cref="Options"/>): the contract
/// the admin console codes against (docs/ADMIN.md). Names here are that contract; renaming one
/// breaks the console. (A few are named by attribute: a record's property cannot share its name.)
/// </summary>
internal static class AdminJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    public sealed record Stats(
        int PlayersOnline,
        int Rooms,
        double FramesInPerSecond,
        double FramesOutPerSecond,
        double UptimeSeconds,
        string Version,
        IReadOnlyList<NodeStats> Nodes,
        IReadOnlyList<string> MissingNodes);

    public sealed record NodeStats(string Node, int PlayersOnline, double FramesInPerSecond, double FramesOutPerSecond, double UptimeSeconds);

    public sealed record Players([property: JsonPropertyName("players")] IReadOnlyList<Player> List, IReadOnlyList<string> MissingNodes);

    /// <param name="ConnectedAt">ISO 8601, UTC, e.g. 2025-01-31T17:04:05.1234567Z.</param>
    public sealed record Player(
        long UserId,
        string Name,
        string Remote,
        string Transport,
        IReadOnlyList<string> Rooms,
        string ConnectedAt,
        long FramesIn,
        long FramesOut,
        long BytesIn,
        long BytesOut,
        string Node);

    public sealed record Rooms([property: JsonPropertyName("rooms")] IReadOnlyList<Room> List);

    public sealed record Room([property: JsonPropertyName("room")] string Name, int Members, string Node);

    public sealed record Kicked([property: JsonPropertyName("kicked")] long UserId);

    public sealed record Sent(int SentTo);

    public sealed record Error([property: JsonPropertyName("error")] string Message);
}
