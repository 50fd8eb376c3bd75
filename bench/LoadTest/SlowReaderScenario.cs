using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using ActorGameServer.Protocol;

namespace ActorGameServer.LoadTest;

/// <summary>A client that sends 4 KB PINGs within the rate limit and never reads: does server memory stay bounded?</summary>
internal static class SlowReaderScenario
{
    public static async Task<ScenarioResult> RunAsync(Options options)
    {
        var baseline = ServerProcessStats.Read(options.ServerPid);
        await using var client = await LoadClient.ConnectAsync(options.Server);
        client.Socket.ReceiveBufferSize = 4096;
        var ping = FrameWriter.Frame(Encoding.UTF8.GetBytes($"{{\"cmd\":\"PING\",\"message\":\"{new string('x', 4000)}\"}}"));
        var started = Stopwatch.GetTimestamp();
        long sent = 0, peakRss = baseline?.RssKb ?? 0;
        var nextSample = TimeSpan.Zero;
        var samples = new List<string>();
        string outcome = "still connected";
        while (Stopwatch.GetElapsedTime(started) < options.Duration)
        {
            try
            {
                await client.SendRawAsync(ping); // 25 per second: 100 KB/s, under the default 128 KB/s limit.
                sent += ping.Length;
            }
            catch (SocketException e)
            {
                outcome = $"disconnected by the server after {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s ({e.SocketErrorCode})";
                break;
            }

            if (Stopwatch.GetElapsedTime(started) >= nextSample && ServerProcessStats.Read(options.ServerPid) is { } stats)
            {
                peakRss = Math.Max(peakRss, stats.RssKb);
                samples.Add($"{Stopwatch.GetElapsedTime(started).TotalSeconds,5:F0} s: sent {sent / 1024} KB, server RSS {stats.RssKb / 1024.0:F1} MB");
                nextSample += TimeSpan.FromSeconds(5);
            }

            await Task.Delay(40);
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        var end = ServerProcessStats.Read(options.ServerPid);
        var extra = new SortedDictionary<string, double> { ["sentKb"] = sent / 1024 };
        if (baseline is not null && end is not null)
        {
            extra["rssKbStart"] = baseline.RssKb;
            extra["rssKbPeak"] = Math.Max(peakRss, end.RssKb);
            extra["rssKbEnd"] = end.RssKb;
        }

        return new ScenarioResult
        {
            Scenario = "slow-reader",
            Description = $"sent {sent / 1024} KB of 4 KB PINGs within the limits, never read; {outcome}",
            Options = options.Describe(),
            DurationSeconds = Math.Round(elapsed.TotalSeconds, 3),
            Operation = "bytes sent",
            Operations = sent,
            Throughput = Math.Round(sent / elapsed.TotalSeconds, 1),
            Server = ServerUsage.Between(options.ServerPid, baseline, end, 0, elapsed.TotalSeconds),
            Extra = extra,
            Notes = samples,
        };
    }
}
