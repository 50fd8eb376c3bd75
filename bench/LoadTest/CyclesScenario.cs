using System.Buffers.Binary;
using System.Diagnostics;
using ActorGameServer.Protocol;

namespace ActorGameServer.LoadTest;

/// <summary>Connect, play a little, leave in one of four ways, many times: does the server give everything back?</summary>
internal static class CyclesScenario
{
    public static async Task<ScenarioResult> RunAsync(Options options)
    {
        var before = ServerProcessStats.Read(options.ServerPid);
        var started = Stopwatch.GetTimestamp();
        var failures = 0;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await Parallel.ForAsync(0, options.Cycles, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = timeout.Token }, async (i, ct) =>
        {
            try
            {
                await CycleAsync(options, i, ct);
            }
            catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or InvalidDataException)
            {
                Interlocked.Increment(ref failures);
            }
        });

        var elapsed = Stopwatch.GetElapsedTime(started);
        await Task.Delay(TimeSpan.FromSeconds(3)); // Let the last closes finish.
        var after = ServerProcessStats.Read(options.ServerPid);
        var extra = new SortedDictionary<string, double> { ["cycles"] = options.Cycles };
        if (before is not null && after is not null)
        {
            extra["socketsLeaked"] = after.Sockets - before.Sockets;
        }

        return new ScenarioResult
        {
            Scenario = "cycles",
            Description = $"{options.Cycles} connect/leave cycles (clean, reset, half a frame, instant) in {elapsed.TotalSeconds:F1} s, {failures} failed; sockets counted 3 s after the last",
            Options = options.Describe(),
            DurationSeconds = Math.Round(elapsed.TotalSeconds, 3),
            Operation = "cycles",
            Operations = options.Cycles - failures,
            Throughput = Math.Round((options.Cycles - failures) / elapsed.TotalSeconds, 1),
            Errors = failures,
            FailedClients = failures,
            Server = ServerUsage.Between(options.ServerPid, before, after, options.Cycles, elapsed.TotalSeconds),
            Extra = extra,
        };
    }

    private static async Task CycleAsync(Options options, int i, CancellationToken ct)
    {
        await using var client = await LoadClient.ConnectAsync(options.Server, ct);
        switch (i % 4)
        {
            case 0:
                await client.ExpectAsync(Commands.Welcome, ct);
                await client.SendAsync("{\"cmd\":\"PING\",\"message\":1}", ct);
                await client.ExpectAsync(Commands.Pong, ct);
                break;
            case 1:
                await client.ExpectAsync(Commands.Welcome, ct);
                await client.SendAsync("{\"cmd\":\"PING\",\"message\":1}", ct);
                client.Reset();
                break;
            case 2:
                var header = new byte[4];
                BinaryPrimitives.WriteUInt32LittleEndian(header, 300);
                await client.SendRawAsync([.. header, .. "{\"cmd\""u8], ct);
                break;
        }
    }
}
