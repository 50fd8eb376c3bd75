using System.Net.Sockets;

namespace ActorGameServer.Server.Tests.Support;

/// <summary>A client that sends big PINGs and never reads, whatever its transport.</summary>
public static class SlowReader
{
    /// <summary>
    /// Sends <paramref name="bigPing"/> on <paramref name="reader"/> (never reading the PONGs) until
    /// the server drops it, while <paramref name="neighbour"/> keeps getting its own PONGs; then
    /// waits until only <paramref name="remaining"/> players are online.
    /// </summary>
    public static async Task FloodUntilDroppedAsync(TestServer server, Socket reader, byte[] bigPing, WireClient neighbour, int remaining)
    {
        // The pongs pile up in the kernel buffers, then on the server, until max-outbound-bytes.
        var sent = 0;
        try
        {
            using var deadline = new CancellationTokenSource(WireClient.DefaultTimeout);
            while (await server.OnlineCountAsync() > remaining)
            {
                for (var i = 0; i < 50; i++)
                {
                    await reader.SendAsync(bigPing, deadline.Token);
                    sent++;
                }

                await neighbour.SendJsonAsync($$"""{"cmd":"PING","message":{{sent}}}""");
                Assert.Equal($$"""{"cmd":"PONG","message":{{sent}}}""", await neighbour.ReadFrameTextAsync());
            }
        }
        catch (SocketException)
        {
            // The server reset the connection while we were still sending: also a disconnect.
        }

        await server.WaitForOnlineCountAsync(remaining);
    }
}
