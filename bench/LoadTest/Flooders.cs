using System.Text;
using ActorGameServer.Protocol;

namespace ActorGameServer.LoadTest;

/// <summary>Clients that send far over the rate limit, next to the measured players (--flooders N).</summary>
internal static class Flooders
{
    public static List<Task<int>> Start(Options options, CancellationToken stop) =>
        Enumerable.Range(0, options.Flooders).Select(_ => FloodAsync(options, stop)).ToList();

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
            LoadClient client;
            try
            {
                client = await LoadClient.ConnectAsync(options.Server, stop);
            }
            catch (Exception e) when (e is OperationCanceledException or System.Net.Sockets.SocketException)
            {
                break;
            }

            await using var _ = client;
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
            catch (Exception e) when (e is OperationCanceledException or System.Net.Sockets.SocketException or InvalidDataException)
            {
            }

            disconnects += disconnected ? 1 : 0;
            await sending;
        }

        return disconnects;
    }
}
