namespace ActorGameServer.Server.Tests.Godot;

/// <summary>
/// A test that needs a real Godot engine. Without <c>godot3-server</c> on PATH it is skipped with
/// the reason, except when <c>CI=true</c>: there a missing engine must fail the run, not hide it.
/// </summary>
public sealed class GodotFactAttribute : FactAttribute
{
    public const string Executable = "godot3-server";

    public GodotFactAttribute()
    {
        if (FindEngine() is null && Environment.GetEnvironmentVariable("CI") != "true")
        {
            Skip = $"{Executable} is not installed (apt-get install {Executable}); .ci/run installs it";
        }
    }

    /// <summary>The engine's full path, or null when it is not on PATH.</summary>
    public static string? FindEngine() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, Executable))
            .FirstOrDefault(File.Exists);
}
