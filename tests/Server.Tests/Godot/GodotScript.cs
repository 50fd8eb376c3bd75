using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace ActorGameServer.Server.Tests.Godot;

/// <summary>What one <c>godot3-server -s</c> run did: its exit code, whether it was killed, and its output.</summary>
public sealed record GodotRun(int ExitCode, bool TimedOut, string Log)
{
    /// <summary>
    /// Asserts the run finished by itself with exit code 0, printed every expected line and no
    /// failure. godot3-server exits 0 even when the script fails to parse or cannot be found, and
    /// a runtime error only ends the current function, so the exit code alone proves nothing:
    /// every check must have printed its line, and no SCRIPT ERROR may have been logged.
    /// </summary>
    public void AssertPassed(IEnumerable<string> expectedLines)
    {
        Assert.False(TimedOut, $"Godot did not finish within {GodotScript.Timeout} and was killed:\n{Log}");
        Assert.True(ExitCode == 0, $"Godot exited with {ExitCode}:\n{Log}");
        foreach (var line in expectedLines)
        {
            Assert.True(Log.Contains(line, StringComparison.Ordinal), $"Godot's output lacks '{line}':\n{Log}");
        }

        Assert.False(Log.Contains("FAIL:", StringComparison.Ordinal), $"Godot reported a failure:\n{Log}");
        Assert.False(Log.Contains("SCRIPT ERROR:", StringComparison.Ordinal), $"Godot reported a script error:\n{Log}");
    }
}

/// <summary>Runs a GDScript from the test output's Godot/ folder in a real, headless Godot 3 engine.</summary>
public static class GodotScript
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    /// <summary>
    /// Runs <c>godot3-server -s Godot/&lt;script&gt;</c> with the server's address (and
    /// <paramref name="environment"/>) in its environment, and returns its exit code and its
    /// stdout and stderr interleaved. Several runs may go at once: each has a directory of its own.
    /// </summary>
    public static async Task<GodotRun> RunAsync(string script, int port, IReadOnlyDictionary<string, string>? environment = null)
    {
        var engine = GodotFactAttribute.FindExecutable()
            ?? throw new InvalidOperationException($"{GodotFactAttribute.Executable} is not on PATH, and CI=true requires it");
        // Without a project, Godot 3 writes logs/godot.log under the working directory, and user
        // data and settings under HOME (or XDG_*): all of it goes to a directory of its own.
        var home = Directory.CreateTempSubdirectory("ags-godot-home-");
        try
        {
            var start = new ProcessStartInfo(engine)
            {
                WorkingDirectory = home.FullName,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.ArgumentList.Add("-s");
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Godot", script));
            start.Environment["HOME"] = home.FullName;
            start.Environment.Remove("XDG_DATA_HOME");
            start.Environment.Remove("XDG_CONFIG_HOME");
            start.Environment.Remove("XDG_CACHE_HOME");
            start.Environment["LANG"] = "en_US.UTF-8"; // Godot logs an ERROR for the locale "C".
            start.Environment["GAME_SERVER_HOST"] = "127.0.0.1";
            start.Environment["GAME_SERVER_PORT"] = port.ToString(CultureInfo.InvariantCulture);
            foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            {
                start.Environment[name] = value;
            }

            var log = new StringBuilder();
            using var godot = new Process { StartInfo = start };
            godot.OutputDataReceived += (_, e) => Append(log, e.Data);
            godot.ErrorDataReceived += (_, e) => Append(log, e.Data);
            var variables = string.Concat((environment ?? new Dictionary<string, string>()).Select(v => $"{v.Key}={v.Value} "));
            log.AppendLine(CultureInfo.InvariantCulture, $"$ {variables}{engine} {string.Join(' ', start.ArgumentList)}");
            godot.Start();
            godot.BeginOutputReadLine();
            godot.BeginErrorReadLine();

            var timedOut = false;
            using (var timeout = new CancellationTokenSource(Timeout))
            {
                try
                {
                    await godot.WaitForExitAsync(timeout.Token);
                }
                catch (OperationCanceledException)
                {
                    timedOut = true;
                    godot.Kill(entireProcessTree: true);
                }
            }

            godot.WaitForExit(); // After the exit (or the kill), drains the redirected output.
            lock (log)
            {
                return new GodotRun(godot.ExitCode, timedOut, log.ToString());
            }
        }
        finally
        {
            try
            {
                home.Delete(recursive: true);
            }
            catch (IOException)
            {
                // Best effort: a leftover temp directory must not hide the real result.
            }
        }
    }

    private static void Append(StringBuilder log, string? line)
    {
        if (line is not null)
        {
            lock (log)
            {
                log.AppendLine(line);
            }
        }
    }
}
