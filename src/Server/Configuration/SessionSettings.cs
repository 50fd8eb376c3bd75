namespace ActorGameServer.Server.Configuration;

/// <summary>
/// <c>game-server.sessions</c>: how long a player whose connection dropped may come back with
/// RESUME, and how many bytes of pushes are kept for it meanwhile.
/// </summary>
/// <param name="ResumeWindow">Zero turns resume off: WELCOME then carries no session.</param>
public sealed record SessionSettings(TimeSpan ResumeWindow, int MaxBufferedBytes)
{
    public static readonly SessionSettings Off = new(TimeSpan.Zero, 256 * 1024);

    public bool Enabled => ResumeWindow > TimeSpan.Zero;
}
