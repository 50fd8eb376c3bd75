namespace ActorGameServer.Client;

/// <summary>The server answered a request with an ERROR frame.</summary>
public sealed class GameServerException(string code, string detail) : Exception($"{code}: {detail}")
{
    /// <summary>The error code, e.g. <c>room_full</c> (docs/PROTOCOL.md lists them all).</summary>
    public string Code { get; } = code;

    public string Detail { get; } = detail;

    /// <summary>The exception an ERROR frame stands for.</summary>
    internal static GameServerException From(ServerFrame error) =>
        new(error.Message.GetProperty("code").GetString()!, error.Message.GetProperty("detail").GetString()!);
}
