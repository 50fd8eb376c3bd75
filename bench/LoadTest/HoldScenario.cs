using System.Diagnostics;
using System.Net;
using ActorGameServer.Protocol;

namespace ActorGameServer.LoadTest;

/// <summary>
/// Opens many connections, one round trip each (WELCOME, PING, PONG), and holds them idle:
/// accept rate, handshake latency, and server memory per connection.
/// </summary>
internal static class HoldScenario
{
    public static async Task<ScenarioResult> RunAsync(Options options)
    {
        var counters = new LiveCounters("connections");
        return await LiveProgress.RunAsync("hold", counters, () => RunAsync(options, counters));
    }

    private static async Task<ScenarioResult> RunAsync(Options options, LiveCounters counters)
    {
        var before = Sample.Take(options.ServerPid);
        var handshakes = new LatencyRecorder();
        var started = Stopwatch.GetTimestamp();
        var opened = await OpenAsync(options.Server, options.Clients, handshakes, counters);
        var openSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var accepted = opened.Clients.Count;

        counters.Phase = $"holding {accepted} for {options.Duration.TotalSeconds:F0} s";
        await Task.Delay(options.Duration);
        var held = Sample.Take(options.ServerPid);
        foreach (var client in opened.Clients)
        {
            await client.DisposeAsync();
        }

        var extra = new SortedDictionary<string, double>
        {
            ["requested"] = options.Clients,
            ["accepted"] = accepted,
            ["acceptSeconds"] = Math.Round(openSeconds, 3),
            ["holdSeconds"] = options.Duration.TotalSeconds,
        };
        if (before.Server is not null && held.Server is not null && accepted > 0)
        {
            var growth = held.Server.RssKb - before.Server.RssKb;
            extra["rssGrowthKb"] = growth;
            extra["rssKbPerConnection"] = Math.Round((double)growth / accepted, 2);
        }

        return new ScenarioResult
        {
            Scenario = "hold",
            Description = $"{accepted} of {options.Clients} connections opened and answered once in {openSeconds:F2} s, then held idle {options.Duration.TotalSeconds:F0} s",
            Options = options.Describe(),
            DurationSeconds = Math.Round(openSeconds, 3),
            Operation = "connections",
            Operations = accepted,
            Throughput = Math.Round(accepted / openSeconds, 1),
            Latency = handshakes.Summarize(),
            Errors = opened.Failures.Count,
            FailedClients = opened.Failures.Count,
            Server = ServerUsage.Between(options.ServerPid, before.Server, held.Server, accepted, openSeconds + options.Duration.TotalSeconds),
            GeneratorCpuSeconds = Sample.GeneratorSeconds(before, held),
            Extra = extra,
            Notes = [.. opened.Failures.Distinct().Take(3)],
        };
    }

    /// <summary>The clients that connected and were answered, and why the others failed.</summary>
    public sealed record Opened(List<LoadClient> Clients, List<string> Failures);

    /// <summary>
    /// Connects <paramref name="count"/> clients, 100 handshakes in flight at a time; each gets
    /// WELCOME and one PING answered. The connect-to-PONG time of each goes to <paramref name="handshakes"/>.
    /// </summary>
    public static async Task<Opened> OpenAsync(IPEndPoint server, int count, LatencyRecorder? handshakes = null, LiveCounters? counters = null)
    {
        var clients = new LoadClient?[count];
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 100 }, async (i, _) =>
        {
            var started = Stopwatch.GetTimestamp();
            LoadClient? client = null;
            try
            {
                client = await LoadClient.ConnectAsync(server, timeout.Token);
                await client.ExpectAsync(Commands.Welcome, timeout.Token);
                await client.SendAsync("{\"cmd\":\"PING\",\"message\":0}", timeout.Token);
                await client.ExpectAsync(Commands.Pong, timeout.Token);
                handshakes?.RecordTicks(Stopwatch.GetTimestamp() - started);
                counters?.AddOperation();
                clients[i] = client;
            }
            catch (Exception e) when (e is IOException or InvalidDataException or System.Net.Sockets.SocketException or OperationCanceledException)
            {
                failures.Add(e.Message);
                counters?.AddError();
                if (client is not null)
                {
                    await client.DisposeAsync();
                }
            }
        });
        return new Opened([.. clients.OfType<LoadClient>()], [.. failures]);
    }
}
