using System.Diagnostics;
using System.Text;
using ActorGameServer.Protocol;

namespace ActorGameServer.LoadTest;

/// <summary>
/// Closed loop: each client sends a PING and waits for its PONG, again and again. Optionally
/// next to flooders that send far over the rate limit, to see whether players notice them.
/// </summary>
internal static class PingScenario
{
    public static async Task RunAsync(Options options)
    {
        using var stop = new CancellationTokenSource(options.Warmup + options.Duration);
        var measureFrom = Stopwatch.GetTimestamp() + (long)(options.Warmup.TotalSeconds * Stopwatch.Frequency);
        ServerProcessStats? before = null;
        var sampling = Task.Run(async () =>
        {
            await Task.Delay(options.Warmup);
            before = ServerProcessStats.Read(options.ServerPid);
        });

        var flooders = Enumerable.Range(0, options.Flooders).Select(_ => FloodAsync(options, stop.Token)).ToList();
        var players = await Task.WhenAll(Enumerable.Range(0, options.Clients).Select(i => PlayAsync(options, i, measureFrom, stop.Token)));
        await sampling;
        var after = ServerProcessStats.Read(options.ServerPid);
        var flooderDisconnects = await Task.WhenAll(flooders);

        var latencies = new Latencies();
        foreach (var player in players)
        {
            latencies.AddRange(player.Latencies);
        }

        var roundTrips = latencies.Count;
        var pace = options.Hz > 0 ? $"{options.Hz:F0} Hz each" : "closed loop";
        Console.WriteLine($"ping: {options.Clients} clients ({pace}), {options.Flooders} flooders, {options.Duration.TotalSeconds:F0} s measured after {options.Warmup.TotalSeconds:F0} s warm-up");
        Console.WriteLine($"  round trips: {roundTrips} ({roundTrips / options.Duration.TotalSeconds:F0}/s)");
        Console.WriteLine($"  latency: {latencies.Summary()}");
        Console.WriteLine($"  wrong or out-of-order replies: {players.Sum(p => p.Mismatches)}, clients that failed: {players.Count(p => p.Failure is not null)}");
        foreach (var failure in players.Select(p => p.Failure).OfType<string>().Distinct().Take(3))
        {
            Console.WriteLine($"    {failure}");
        }

        if (options.Flooders > 0)
        {
            Console.WriteLine($"  flooders (reconnecting each time) were disconnected for flooding {flooderDisconnects.Sum()} times");
        }

        if (before is not null && after is not null && roundTrips > 0)
        {
            var cpu = after.CpuTime - before.CpuTime;
            Console.WriteLine($"  server CPU: {cpu.TotalSeconds:F2} s, {cpu.TotalMicroseconds / roundTrips:F1} µs per round trip; RSS {after.RssKb / 1024.0:F1} MB");
        }
    }

    private sealed record PlayerResult(Latencies Latencies, int Mismatches, string? Failure);

    private static async Task<PlayerResult> PlayAsync(Options options, int index, long measureFrom, CancellationToken stop)
    {
        var latencies = new Latencies();
        var mismatches = 0;
        try
        {
            await using var client = await LoadClient.ConnectAsync(options.Server, stop);
            await client.ExpectAsync(Commands.Welcome, stop);
            for (var seq = 0L; !stop.IsCancellationRequested; seq++)
            {
                var expected = $"{{\"c\":{index},\"s\":{seq}}}";
                var sentAt = Stopwatch.GetTimestamp();
                await client.SendAsync($"{{\"cmd\":\"PING\",\"message\":{expected}}}", CancellationToken.None);
                var pong = await client.ExpectAsync(Commands.Pong, CancellationToken.None);
                var receivedAt = Stopwatch.GetTimestamp();
                if (pong.Message.ToString() != expected)
                {
                    mismatches++;
                }
                else if (sentAt >= measureFrom)
                {
                    latencies.Add(receivedAt - sentAt);
                }

                if (options.Hz > 0)
                {
                    var next = sentAt + (long)(Stopwatch.Frequency / options.Hz);
                    var wait = next - Stopwatch.GetTimestamp();
                    if (wait > 0)
                    {
                        await Task.Delay(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency), CancellationToken.None);
                    }
                }
            }

            return new PlayerResult(latencies, mismatches, null);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or System.Net.Sockets.SocketException)
        {
            return new PlayerResult(latencies, mismatches, e.Message);
        }
    }

    /// <summary>
    /// Sends bursts far over the default rate limit, reading (and discarding) what comes back,
    /// and reconnects whenever the server disconnects it, like a persistent attacker. Returns
    /// how many times it was disconnected for flooding.
    /// </summary>
    private static async Task<int> FloodAsync(Options options, CancellationToken stop)
    {
        var burst = Enumerable.Range(0, 100)
            .SelectMany(i => FrameWriter.Frame(Encoding.UTF8.GetBytes($"{{\"cmd\":\"PING\",\"message\":{i}}}")))
            .ToArray();
        var disconnects = 0;
        while (!stop.IsCancellationRequested)
        {
            await using var client = await LoadClient.ConnectAsync(options.Server, stop);
            var sending = Task.Run(async () =>
            {
                try
                {
                    while (!stop.IsCancellationRequested)
                    {
                        await client.SendRawAsync(burst, stop);
                        await Task.Delay(10, stop);
                    }
                }
                catch (Exception e) when (e is OperationCanceledException or System.Net.Sockets.SocketException)
                {
                    // Stopped, or disconnected by the server.
                }
            });

            var disconnected = false;
            try
            {
                while (await client.ReceiveAsync(stop) is { } frame)
                {
                    disconnected |= frame.Cmd == Commands.Error && frame.Message.ToString().Contains("disconnecting", StringComparison.Ordinal);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or System.Net.Sockets.SocketException)
            {
            }

            disconnects += disconnected ? 1 : 0;
            await sending;
        }

        return disconnects;
    }
}
