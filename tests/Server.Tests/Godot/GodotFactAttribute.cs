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
        if (FindExecutable() is null && !IsCi)
        {
            Skip = $"{Executable} is not installed (apt-get install {Executable}); .ci/run installs it";
        }
    }

    /// <summary>True when <c>CI</c> is <c>true</c>, as .ci/run and the usual CI services set it.</summary>
    public static bool IsCi =>
        string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The full path of the first <c>godot3-server</c> on PATH, or null when there is none.</summary>
    public static string? FindExecutable() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, Executable))
            .FirstOrDefault(IsExecutableFile);

    private static bool IsExecutableFile(string path) =>
        File.Exists(path)
        && (OperatingSystem.IsWindows()
            || (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0);
}
