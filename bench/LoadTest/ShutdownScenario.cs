using System.Diagnostics;
using ActorGameServer.Protocol;

namespace ActorGameServer.LoadTest;

/// <summary>Holds many connections, sends the server SIGTERM, and times the goodbye: SHUTDOWN to everyone, then exit.</summary>
internal static class ShutdownScenario
{
    public static async Task RunAsync(Options options)
    {
        var pid = options.ServerPid ?? throw new ArgumentException("shutdown needs --server-pid");
        var clients = await HoldScenario.OpenAsync(options.Server, options.Clients);
        var toldShutdown = 0;
        var started = Stopwatch.GetTimestamp();
        var goodbyes = clients.Select(async client =>
        {
            while (await client.ReceiveAsync() is { } frame)
            {
                if (frame.Cmd == Commands.Shutdown)
                {
                    Interlocked.Increment(ref toldShutdown);
                }
            }

            // Close our side at EOF, as a game client does; the server waits for it (up to close-timeout).
            await client.DisposeAsync();
            return Stopwatch.GetElapsedTime(started);
        }).ToList();

        Process.Start("kill", ["-TERM", pid.ToString()]).WaitForExit();
        var closedAfter = (await Task.WhenAll(goodbyes)).Max();
        while (ServerProcessStats.IsRunning(pid) && Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(10);
        }

        var exitedAfter = Stopwatch.GetElapsedTime(started);
        Console.WriteLine($"shutdown: {clients.Count} connected; {toldShutdown} told SHUTDOWN; all closed {closedAfter.TotalMilliseconds:F0} ms after SIGTERM; process gone after {exitedAfter.TotalMilliseconds:F0} ms");
    }
}
