namespace ActorGameServer.Server.Tests.Browser;

/// <summary>
/// A test that needs Debian's <c>chromium</c>. Without it the test is skipped with the reason,
/// except when <c>CI=true</c>: there a missing browser must fail the run, not hide it.
/// </summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    /// <summary>Where Debian's <c>chromium</c> package puts its launcher; Playwright starts this, never a browser of its own.</summary>
    public const string Executable = "/usr/bin/chromium";

    public ChromiumFactAttribute()
    {
        if (!IsInstalled && !IsCi)
        {
            Skip = $"{Executable} is not installed (apt-get install chromium); .ci/run installs it";
        }
    }

    public static bool IsInstalled => File.Exists(Executable);

    /// <summary>True when <c>CI</c> is <c>true</c>, as .ci/run and the usual CI services set it.</summary>
    public static bool IsCi =>
        string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
}
