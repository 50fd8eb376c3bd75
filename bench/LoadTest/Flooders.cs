using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using ActorGameServer.Protocol;

namespace ActorGameServer.LoadTest;

/// <summary>
/// Clients that send far over the rate limit, next to the measured players (--flooders N), and
/// report what the server did to them. Two kinds: by default each sends bursts of 100 PINGs
/// every 10 ms for as long as it is connected; with --flood-burst N each writes N PINGs at once
/// and then only reads, like an attacker that dumps a flood and waits. Either reads (and counts)
/// whatever comes back, and reconnects whenever the server closes it, like a persistent attacker.
/// </summary>
internal static class Flooders
{
    public static async Task<FloodReport> Start(Options options, CancellationToken stop) =>
        FloodReport.Sum(await Task.WhenAll(Enumerable.Range(0, options.Flooders).Select(_ => FloodAsync(options, stop))));

    private static async Task<FloodReport> FloodAsync(Options options, CancellationToken stop)
    {
        var frames = options.FloodBurst > 0 ? options.FloodBurst : 100;
        var burst = Enumerable.Range(0, frames)
            .SelectMany(i => FrameWriter.Frame(Encoding.UTF8.GetBytes($"{{\"cmd\":\"PING\",\"message\":{i}}}")))
            .ToArray();
        var report = new FloodReport();
        while (!stop.IsCancellationRequested)
        {
            LoadClient client;
            try
            {
                client = await LoadClient.ConnectAsync(options.Server, stop);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException)
            {
                break;
            }

            await using var _ = client;
            report.Connections++;
            var connected = Stopwatch.GetTimestamp();
            using var sendStop = CancellationTokenSource.CreateLinkedTokenSource(stop);
            var sending = Task.Run(() => SendAsync(client, burst, frames, repeat: options.FloodBurst == 0, report, sendStop.Token));
            await ReadUntilClosedAsync(client, report, stop);
            report.ConnectedSeconds += Stopwatch.GetElapsedTime(connected).TotalSeconds;
            await sendStop.CancelAsync(); // A send blocked on a server that stopped reading ends with the connection.
            await sending;
        }

        return report;
    }

    private static async Task SendAsync(LoadClient client, byte[] burst, int frames, bool repeat, FloodReport report, CancellationToken stop)
    {
        try
        {
            do
            {
                await client.SendRawAsync(burst, stop);
                report.AddPingsSent(frames);
                if (repeat)
                {
                    await Task.Delay(10, stop);
                }
            }
            while (repeat && !stop.IsCancellationRequested);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped, or the server closed the connection (the reader tells how).
        }
    }

    /// <summary>Counts what arrives until the server closes (FIN or reset) or the run ends.</summary>
    private static async Task ReadUntilClosedAsync(LoadClient client, FloodReport report, CancellationToken stop)
    {
        Envelope? last = null;
        try
        {
            while (await client.ReceiveAsync(stop) is { } frame)
            {
                last = frame;
                if (frame.Cmd == Commands.Pong)
                {
                    report.Pongs++;
                }
                else if (frame.Cmd == Commands.Error && MessageFields.TryGetString(frame.Message, "code", out var code) && code == "rate_limited")
                {
                    report.RateLimitedErrors++;
                }
                else if (frame.Cmd == Commands.Error)
                {
                    report.OtherErrors++;
                }
            }

            report.ClosedByFin++;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            report.OpenAtEnd++;
            return;
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionAborted)
        {
            report.ClosedByReset++;
        }
        catch (Exception e) when (e is SocketException or InvalidDataException)
        {
            report.ClosedOtherwise++;
            report.LastErrorBeforeClose ??= $"{e.GetType().Name}: {e.Message}";
        }

        if (last?.Cmd == Commands.Error)
        {
            report.ClosedAfterError++;
            report.LastErrorBeforeClose ??= last.Message.ToString();
        }
    }
}
