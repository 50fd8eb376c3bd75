using System.Net;
using System.Net.Sockets;
using System.Text;
using ActorGameServer.Server.Tests.Support;

namespace ActorGameServer.Server.Tests.EndToEnd;

/// <summary>
/// A bounded mix of the internet at once: players, flooders, slow readers, stallers and
/// resetters. The players must not notice the others; the others must be dropped with the right codes.
/// </summary>
[Collection(Isolated.Name)]
public sealed class SoakTest
{
    /// <summary>The least the players play; they go on until every misbehaving client has been dropped.</summary>
    private static readonly TimeSpan PlayTime = TimeSpan.FromSeconds(8);

    [Fact]
    public async Task Well_behaved_players_get_every_pong_in_order_while_misbehaving_clients_are_dropped()
    {
        await using var server = await TestServer.StartAsync("""
            game-server {
              idle-timeout = 2s
              close-timeout = 1s
              max-outbound-bytes = 64k
              rate-limit { messages-per-second = 500, burst = 500, bytes-per-second = 4m, byte-burst = 4m, disconnect-after = 1s }
            }
            """);
        using var playing = new CancellationTokenSource();

        var players = Enumerable.Range(0, 150).Select(_ => PlayAsync(server.EndPoint, playing.Token)).ToList();
        var resetters = Enumerable.Range(0, 10).Select(_ => ResetRepeatedlyAsync(server.EndPoint, playing.Token)).ToList();
        var flooders = Enumerable.Range(0, 10).Select(_ => FloodAsync(server.EndPoint)).ToList();
        var stallers = Enumerable.Range(0, 10).Select(_ => StallAsync(server.EndPoint)).ToList();
        var slowReaders = Enumerable.Range(0, 10).Select(_ => NeverReadAsync(server.EndPoint)).ToList();

        string?[] flooderCodes;
        string?[] stallerCodes;
        bool[] slowReadersCut;
        try
        {
            // The players and resetters keep going for as long as the others misbehave, however
            // long this machine takes to drop them, so every drop happens while they play.
            await Task.WhenAll(Task.WhenAll(flooders), Task.WhenAll(stallers), Task.WhenAll(slowReaders), Task.Delay(PlayTime));
            flooderCodes = await Task.WhenAll(flooders);
            stallerCodes = await Task.WhenAll(stallers);
            slowReadersCut = await Task.WhenAll(slowReaders);
        }
        finally
        {
            await playing.CancelAsync();
        }

        // Each player checks its own replies: every PING it sent answered exactly once, in order.
        await Task.WhenAll(players);
        await Task.WhenAll(resetters);
        Assert.All(flooderCodes, code => Assert.Equal("rate_limited", code));
        Assert.All(stallerCodes, code => Assert.Equal("idle_timeout", code));
        Assert.All(slowReadersCut, Assert.True);

        await server.WaitForOnlineCountAsync(0);
    }

    /// <summary>
    /// Pings at 20 Hz until told to stop (at least once), then sends a closing marker, and checks
    /// that every PING it sent was answered with its own PONG, exactly once and in the order sent.
    /// </summary>
    private static async Task PlayAsync(IPEndPoint server, CancellationToken playing)
    {
        var (client, _) = await WireClient.ConnectWelcomedAsync(server);
        await using var _ = client;
        var sent = 0;
        var reading = Task.Run(async () =>
        {
            var answered = 0;
            while (true)
            {
                var pong = await client.ReadFrameAsync();
                Assert.Equal("PONG", (string?)pong["cmd"]);
                var seq = (int)pong["message"]!;
                if (seq < 0)
                {
                    return answered; // The closing marker: everything sent before it has been answered.
                }

                Assert.Equal(answered++, seq);
            }
        });

        do
        {
            await client.SendJsonAsync($$"""{"cmd":"PING","message":{{sent++}}}""");
            await Task.Delay(50, CancellationToken.None);
        }
        while (!playing.IsCancellationRequested);

        await client.SendJsonAsync("""{"cmd":"PING","message":-1}""");
        Assert.Equal(sent, await reading);
    }

    /// <summary>Sends far over the rate limit, reading what comes back. Returns the last error code.</summary>
    private static async Task<string?> FloodAsync(IPEndPoint server)
    {
        var (client, _) = await WireClient.ConnectWelcomedAsync(server);
        await using var _ = client;
        var burst = Enumerable.Range(0, 50)
            .SelectMany(i => WireClient.Frame(Encoding.UTF8.GetBytes($$"""{"cmd":"PING","message":{{i}}}""")))
            .ToArray();
        var sending = Task.Run(async () =>
        {
            try
            {
                for (var i = 0; i < 1000; i++)
                {
                    await client.SendRawAsync(burst); // 2500 frames/s against a limit of 500.
                    await Task.Delay(20);
                }
            }
            catch (IOException)
            {
                // Disconnected.
            }
        });

        string? lastCode = null;
        try
        {
            while (await client.ReadFrameTextAsync() is { } text)
            {
                var frame = Json.Parse(text);
                if ((string?)frame["cmd"] == "ERROR")
                {
                    lastCode = (string?)frame["message"]!["code"];
                }
            }
        }
        catch (IOException)
        {
            // Reset after the close.
        }

        await sending;
        return lastCode;
    }

    /// <summary>Starts a frame and never finishes it. Returns the error code it was sent.</summary>
    private static async Task<string?> StallAsync(IPEndPoint server)
    {
        var (client, _) = await WireClient.ConnectWelcomedAsync(server);
        await using var _ = client;
        await client.SendRawAsync([.. WireClient.LengthPrefix(1000), .. "{\"cmd\":"u8]);

        var error = await client.ReadFrameAsync();
        Assert.True(await client.IsClosedByServerAsync());
        return (string?)error["message"]!["code"];
    }

    /// <summary>
    /// Sends big pings and never reads. Returns true once the server has cut it off. The kernel
    /// buffers on loopback absorb a few megabytes first, so it sends 1.6 MB/s, within the limits.
    /// </summary>
    private static async Task<bool> NeverReadAsync(IPEndPoint server)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, server.Port));
        var ping = WireClient.Frame(Encoding.UTF8.GetBytes($$"""{"cmd":"PING","message":"{{new string('x', 4000)}}"}"""));
        var pings = Enumerable.Repeat(ping, 10).SelectMany(bytes => bytes).ToArray();
        try
        {
            // 400 frames/s, within the rate limit, so only not reading can get it disconnected.
            using var deadline = new CancellationTokenSource(WireClient.DefaultTimeout);
            while (true)
            {
                await socket.SendAsync(pings, deadline.Token);
                await Task.Delay(25, CancellationToken.None);
            }
        }
        catch (SocketException)
        {
            return true; // Reset by the server.
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Connects, pings, checks the PONG and resets, again and again until told to stop (at least once).</summary>
    private static async Task ResetRepeatedlyAsync(IPEndPoint server, CancellationToken playing)
    {
        do
        {
            var (client, _) = await WireClient.ConnectWelcomedAsync(server);
            await client.SendJsonAsync("""{"cmd":"PING","message":1}""");
            Assert.Equal("""{"cmd":"PONG","message":1}""", await client.ReadFrameTextAsync());
            client.Reset();
        }
        while (!playing.IsCancellationRequested);
    }
}
