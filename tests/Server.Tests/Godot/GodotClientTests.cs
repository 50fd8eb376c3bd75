using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using ActorGameServer.Server.Tests.Support;
using Xunit.Abstractions;

namespace ActorGameServer.Server.Tests.Godot;

/// <summary>A real Godot 3 engine, headless, as the client: the wire format as Godot's own StreamPeerTCP speaks it.</summary>
public sealed class GodotClientTests(ITestOutputHelper output)
{
    private static readonly TimeSpan EngineTimeout = TimeSpan.FromSeconds(120);

    /// <summary>
    /// One line per check in ping_client.gd. godot3-server exits 0 even when the script fails to
    /// parse or cannot be found, so a zero exit code alone proves nothing: every check must have
    /// printed its "ok:" line.
    /// </summary>
    private static readonly string[] ExpectedLines =
    [
        "ok: connected to 127.0.0.1:",
        "ok: WELCOME arrives first",
        "ok: WELCOME has an integer user_id >= 1",
        "ok: WELCOME has max_payload 5000",
        "ok: PONG carries the tick",
        "ok: PONG carries the unicode string",
        "ok: PONG carries the dictionary",
        "ok: PONG copies the request id",
        "ok: unknown command gets ERROR unknown_cmd",
        "ok: the connection stays open after unknown_cmd",
        "ok: 50 back-to-back PINGs answered in order",
        "ok: every check ran",
        "done: 0 failure(s)",
    ];

    [GodotFact]
    public async Task A_godot_client_is_welcomed_and_gets_exact_pongs_in_order()
    {
        await using var server = await TestServer.StartAsync();

        var run = await RunScriptAsync("ping_client.gd", server.EndPoint.Port);

        Assert.False(run.TimedOut, $"Godot did not finish within {EngineTimeout} and was killed:\n{run.Log}");
        Assert.True(run.ExitCode == 0, $"Godot exited with {run.ExitCode}:\n{run.Log}");
        foreach (var line in ExpectedLines)
        {
            Assert.True(run.Log.Contains(line, StringComparison.Ordinal), $"Godot's output lacks '{line}':\n{run.Log}");
        }

        Assert.True(Regex.IsMatch(run.Log, @"^rtt: \d+ ms$", RegexOptions.Multiline), $"Godot's output lacks the rtt line:\n{run.Log}");
        Assert.False(run.Log.Contains("FAIL:", StringComparison.Ordinal), $"Godot reported a failure:\n{run.Log}");
        Assert.False(run.Log.Contains("SCRIPT ERROR:", StringComparison.Ordinal), $"Godot reported a script error:\n{run.Log}");
    }

    private sealed record ScriptRun(int ExitCode, bool TimedOut, string Log);

    /// <summary>
    /// Runs <c>godot3-server -s Godot/&lt;script&gt;</c> with the server's address in its
    /// environment, and returns its exit code and its stdout and stderr interleaved.
    /// </summary>
    private async Task<ScriptRun> RunScriptAsync(string script, int port)
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

            var log = new StringBuilder();
            using var godot = new Process { StartInfo = start };
            godot.OutputDataReceived += (_, e) => Append(log, e.Data);
            godot.ErrorDataReceived += (_, e) => Append(log, e.Data);
            log.AppendLine(CultureInfo.InvariantCulture, $"$ {engine} {string.Join(' ', start.ArgumentList)}");
            godot.Start();
            godot.BeginOutputReadLine();
            godot.BeginErrorReadLine();

            var timedOut = false;
            using (var timeout = new CancellationTokenSource(EngineTimeout))
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
            string text;
            lock (log)
            {
                text = log.ToString();
            }

            output.WriteLine(text);
            return new ScriptRun(godot.ExitCode, timedOut, text);
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
