namespace ActorGameServer.Client;

/// <summary>
/// RESUMED: the session <see cref="GameClient.ResumeAsync"/> took back. The player keeps its
/// <paramref name="UserId"/>, <paramref name="Name"/> and <paramref name="Rooms"/>;
/// <paramref name="Missed"/> pushes follow; <paramref name="SessionToken"/> resumes it next time.
/// </summary>
public sealed record ResumedSession(long UserId, string Name, IReadOnlyList<string> Rooms, int Missed, string SessionToken);
