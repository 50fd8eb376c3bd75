using System.Diagnostics;
using System.Text;
using ActorGameServer.Server.Tests.Support;
using Xunit.Abstractions;

namespace ActorGameServer.Server.Tests.Godot;

/// <summary>A real Godot 3 engine, headless, as the client: the wire format as Godot's own StreamPeerTCP speaks it.</summary>
public sealed class GodotClientTests(ITestOutputHelper output)
{
    private static readonly TimeSpan EngineTimeout = TimeSpan.FromSeconds(120);

    [GodotFact]
    public async Task A_godot_client_is_welcomed_and_gets_exact_pongs_in_order()
    {
        await using var server = await TestServer.StartAsync();

        var (exitCode, log) = await RunScriptAsync("ping_client.gd", server.EndPoint.Port);

        Assert.True(exitCode == 0, $"Godot exited with {exitCode}:\n{log}");
        // A script that silently did nothing must not pass: every check has to have run.
        Assert.Contains("ok: WELCOME arrives first", log);
        Assert.Contains("ok: PONG carries the dictionary", log);
        Assert.Contains("ok: 50 back-to-back PINGs answered in order", log);
        Assert.Matches(@"rtt: \d+ ms", log);
        Assert.Contains("done: 0 failure(s)", log);
    }

    private async Task<(int ExitCode, string Log)> RunScriptAsync(string script, int port)
    {
        var engine = GodotFactAttribute.FindEngine()
            ?? throw new InvalidOperationException($"{GodotFactAttribute.Executable} is not on PATH (CI=true requires it)");
        var home = Directory.CreateTempSubdirectory("ags-godot-home-").FullName; // Godot writes its settings under HOME.
        var start = new ProcessStartInfo(engine)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-s");
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Godot", script));
        start.Environment["HOME"] = home;
        start.Environment["GAME_SERVER_HOST"] = "127.0.0.1";
        start.Environment["GAME_SERVER_PORT"] = port.ToString();

        var log = new StringBuilder();
        using var godot = new Process { StartInfo = start };
        godot.OutputDataReceived += (_, e) => Append(log, e.Data);
        godot.ErrorDataReceived += (_, e) => Append(log, e.Data);
        godot.Start();
        godot.BeginOutputReadLine();
        godot.BeginErrorReadLine();
        try
        {
            using var timeout = new CancellationTokenSource(EngineTimeout);
            await godot.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            godot.Kill(entireProcessTree: true);
            Assert.Fail($"Godot did not finish within {EngineTimeout}:\n{log}");
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }

        godot.WaitForExit(); // Drains the redirected output.
        var text = log.ToString();
        output.WriteLine(text);
        return (godot.ExitCode, text);
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
