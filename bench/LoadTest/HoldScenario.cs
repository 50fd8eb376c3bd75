using System.Diagnostics;
using ActorGameServer.Protocol;

namespace ActorGameServer.LoadTest;

/// <summary>Opens many connections, one round trip each, and holds them idle: accept rate and memory per connection.</summary>
internal static class HoldScenario
{
    public static async Task RunAsync(Options options)
    {
        GC.Collect();
        var baseline = ServerProcessStats.Read(options.ServerPid);
        var started = Stopwatch.GetTimestamp();
        var clients = await OpenAsync(options.Server, options.Clients);
        var opened = Stopwatch.GetElapsedTime(started);

        Console.WriteLine($"hold: {clients.Count} connections, each welcomed and answered once, in {opened.TotalSeconds:F2} s ({clients.Count / opened.TotalSeconds:F0}/s)");
        await Task.Delay(options.Duration);
        var held = ServerProcessStats.Read(options.ServerPid);
        if (baseline is not null && held is not null)
        {
            var growth = held.RssKb - baseline.RssKb;
            Console.WriteLine($"  server RSS {baseline.RssKb / 1024.0:F1} MB -> {held.RssKb / 1024.0:F1} MB after {options.Duration.TotalSeconds:F0} s idle: {growth / 1024.0:F1} MB, {(double)growth / clients.Count:F2} KB per connection");
        }

        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }
    }

    /// <summary>Connects <paramref name="count"/> clients, 100 handshakes in flight at a time.</summary>
    public static async Task<List<LoadClient>> OpenAsync(System.Net.IPEndPoint server, int count)
    {
        var clients = new LoadClient[count];
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 100, CancellationToken = timeout.Token }, async (i, ct) =>
        {
            var client = await LoadClient.ConnectAsync(server, ct);
            await client.ExpectAsync(Commands.Welcome, ct);
            await client.SendAsync("{\"cmd\":\"PING\",\"message\":0}", ct);
            await client.ExpectAsync(Commands.Pong, ct);
            clients[i] = client;
        });
        return [.. clients];
    }
}
