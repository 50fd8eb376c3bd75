using System.Diagnostics;
using System.Net.Sockets;
using ActorGameServer.Protocol;

namespace ActorGameServer.LoadTest;

/// <summary>
/// Closed loop: each client sends a PING carrying its index and a sequence number, waits for
/// the PONG, checks it carries the same message, and repeats. Optionally next to flooders that
/// send far over the rate limit, to see whether players notice them. Round trips belong to the
/// measured window by send time; the ping in flight when the window ends is still waited for
/// (up to --drain), and one never answered counts as lost. (<c>ping --hz N</c> is the open-loop
/// <see cref="TickScenario"/>.)
/// </summary>
internal static class PingScenario
{
    public static async Task<ScenarioResult> RunAsync(Options options)
    {
        var counters = new LiveCounters("round trips");
        return await LiveProgress.RunAsync("ping", counters, () => RunAsync(options, counters));
    }

    private static async Task<ScenarioResult> RunAsync(Options options, LiveCounters counters)
    {
        var latencies = new LatencyRecorder();
        var start = Stopwatch.GetTimestamp();
        var window = new Window(start + Window.Ticks(options.Warmup), start + Window.Ticks(options.Warmup + options.Duration));
        using var stop = new CancellationTokenSource(options.Warmup + options.Duration);
        using var abandon = new CancellationTokenSource(options.Warmup + options.Duration + options.Drain);
        counters.Phase = "warm-up";

        Sample? before = null;
        Sample? after = null;
        var sampling = Task.Run(async () =>
        {
            await Window.DelayUntilAsync(window.From);
            before = Sample.Take(options.ServerPid);
            counters.Phase = "measuring";
            await Window.DelayUntilAsync(window.To);
            after = Sample.Take(options.ServerPid);
            counters.Phase = "draining";
        });

        var flooders = Flooders.Start(options, stop.Token);
        var players = await Task.WhenAll(Enumerable.Range(0, options.Clients)
            .Select(i => Task.Run(() => PlayAsync(options, i, window, latencies, counters, stop.Token, abandon.Token))));
        await sampling;
        var flood = await flooders;

        var seconds = options.Duration.TotalSeconds;
        var roundTrips = players.Sum(p => p.RoundTrips);
        var failed = players.Count(p => p.Failure is not null);
        var extra = new SortedDictionary<string, double> { ["wrongReplies"] = players.Sum(p => p.Wrong) };
        return new ScenarioResult
        {
            Scenario = "ping",
            Description = $"{options.Clients} clients, closed loop, {options.FloodersDescription}, {seconds:F0} s measured after {options.Warmup.TotalSeconds:F0} s warm-up",
            Options = options.Describe(),
            DurationSeconds = seconds,
            Operation = "round trips",
            Operations = roundTrips,
            Throughput = Math.Round(roundTrips / seconds, 1),
            Latency = latencies.Summarize(),
            Errors = players.Sum(p => p.ErrorFrames) + failed,
            FailedClients = failed,
            Lost = players.Sum(p => p.Lost),
            OutOfOrder = players.Sum(p => p.Wrong),
            Server = ServerUsage.Between(options.ServerPid, before?.Server, after?.Server, roundTrips, seconds),
            GeneratorCpuSeconds = before is null || after is null ? null : Sample.GeneratorSeconds(before, after),
            Extra = extra,
            Flood = options.Flooders > 0 ? flood : null,
            Notes = [.. players.Select(p => p.Failure).OfType<string>().Distinct().Take(3)],
        };
    }

    private sealed record PlayerResult(long RoundTrips, long Wrong, long Lost, long ErrorFrames, string? Failure);

    private static async Task<PlayerResult> PlayAsync(Options options, int index, Window window, LatencyRecorder latencies, LiveCounters counters, CancellationToken stop, CancellationToken abandon)
    {
        long roundTrips = 0, wrong = 0, lost = 0, errorFrames = 0;
        try
        {
            await using var client = await LoadClient.ConnectAsync(options.Server, abandon);
            await client.ExpectAsync(Commands.Welcome, abandon);
            for (var seq = 0L; !stop.IsCancellationRequested; seq++)
            {
                var expected = $"{{\"c\":{index},\"s\":{seq}}}";
                var sentAt = Stopwatch.GetTimestamp();
                await client.SendAsync($"{{\"cmd\":\"PING\",\"message\":{expected}}}", abandon);
                lost++; // Until its reply arrives.
                while (true)
                {
                    var frame = await client.ReceiveAsync(abandon) ?? throw new IOException("the server closed the connection");
                    if (frame.Cmd == Commands.Pong)
                    {
                        var receivedAt = Stopwatch.GetTimestamp();
                        lost--;
                        counters.AddOperation();
                        if (frame.Message.ToString() != expected)
                        {
                            wrong++;
                        }
                        else if (window.Contains(sentAt))
                        {
                            roundTrips++;
                            latencies.RecordTicks(receivedAt - sentAt);
                        }

                        break;
                    }

                    if (frame.Cmd == Commands.Error)
                    {
                        // The server answered this PING with an ERROR (rate_limited, ...): not lost, an error.
                        lost--;
                        errorFrames++;
                        counters.AddError();
                        break;
                    }
                }
            }

            return new PlayerResult(roundTrips, wrong, lost, errorFrames, null);
        }
        catch (OperationCanceledException) when (abandon.IsCancellationRequested)
        {
            counters.AddError();
            return new PlayerResult(roundTrips, wrong, lost, errorFrames, $"no reply within --drain {options.Drain.TotalSeconds:F0} s after the end");
        }
        catch (Exception e) when (e is IOException or InvalidDataException or SocketException)
        {
            counters.AddError();
            return new PlayerResult(roundTrips, wrong, lost, errorFrames, e.Message);
        }
    }
}
