using System.Diagnostics;
using ActorGameServer.Protocol;

namespace ActorGameServer.LoadTest;

/// <summary>Holds many connections, sends the server SIGTERM, and times the goodbye: SHUTDOWN to everyone, then exit.</summary>
internal static class ShutdownScenario
{
    public static async Task<ScenarioResult> RunAsync(Options options)
    {
        var pid = options.ServerPid ?? throw new ArgumentException("shutdown needs --server-pid");
        var opened = await HoldScenario.OpenAsync(options.Server, options.Clients);
        var clients = opened.Clients;
        var toldShutdown = 0;
        var started = Stopwatch.GetTimestamp();
        var goodbyes = clients.Select(async client =>
        {
            try
            {
                while (await client.ReceiveAsync() is { } frame)
                {
                    if (frame.Cmd == Commands.Shutdown)
                    {
                        Interlocked.Increment(ref toldShutdown);
                    }
                }
            }
            catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException)
            {
                // Reset instead of closed: not told goodbye properly, which toldShutdown shows.
            }

            // Close our side at EOF, as a game client does; the server waits for it (up to close-timeout).
            await client.DisposeAsync();
            return Stopwatch.GetElapsedTime(started);
        }).ToList();

        Process.Start("kill", ["-TERM", pid.ToString()]).WaitForExit();
        var closedAfter = clients.Count == 0 ? TimeSpan.Zero : (await Task.WhenAll(goodbyes)).Max();
        while (ServerProcessStats.IsRunning(pid) && Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(10);
        }

        var exitedAfter = Stopwatch.GetElapsedTime(started);
        return new ScenarioResult
        {
            Scenario = "shutdown",
            Description = $"{clients.Count} connected; {toldShutdown} told SHUTDOWN; all closed {closedAfter.TotalMilliseconds:F0} ms after SIGTERM; process gone after {exitedAfter.TotalMilliseconds:F0} ms",
            Options = options.Describe(),
            DurationSeconds = Math.Round(exitedAfter.TotalSeconds, 3),
            Operation = "connections told SHUTDOWN",
            Operations = toldShutdown,
            Errors = opened.Failures.Count,
            FailedClients = opened.Failures.Count,
            Lost = clients.Count - toldShutdown,
            Extra = new SortedDictionary<string, double>
            {
                ["connected"] = clients.Count,
                ["closedAfterMs"] = Math.Round(closedAfter.TotalMilliseconds, 1),
                ["exitedAfterMs"] = Math.Round(exitedAfter.TotalMilliseconds, 1),
            },
            Notes = [.. opened.Failures.Distinct().Take(3)],
        };
    }
}
