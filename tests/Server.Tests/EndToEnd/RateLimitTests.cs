using System.Text;
using ActorGameServer.Server.Tests.Support;

namespace ActorGameServer.Server.Tests.EndToEnd;

public sealed class RateLimitTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync("""
        game-server {
          max-payload = 2000
          rate-limit { messages-per-second = 20, burst = 20, bytes-per-second = 4k, byte-burst = 6k, disconnect-after = 1s }
        }
        """);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Frames_over_the_limit_are_answered_rate_limited_and_dropped_and_the_connection_survives()
    {
        var (client, _) = await WireClient.ConnectWelcomedAsync(_server.EndPoint);
        await using var _ = client;

        await client.SendRawAsync(ManyPings(100));

        var pongs = 0;
        for (var i = 0; i < 100; i++)
        {
            var reply = await client.ReadFrameAsync();
            if ((string?)reply["cmd"] == "PONG")
            {
                pongs++;
                Assert.Equal(i, (int)reply["message"]!);
            }
            else
            {
                Assert.Equal("rate_limited", (string?)reply["message"]!["code"]);
                Assert.Equal(i, (int)reply["id"]!); // The dropped request is named.
            }
        }

        // The burst, plus whatever trickled back in while the 100 frames were read.
        Assert.InRange(pongs, 20, 40);

        await Task.Delay(TimeSpan.FromSeconds(1.5)); // Quiet: the bucket refills.
        await client.SendJsonAsync("""{"cmd":"PING","message":"after"}""");
        Assert.Equal("""{"cmd":"PONG","message":"after"}""", await client.ReadFrameTextAsync());
    }

    [Fact]
    public async Task The_byte_limit_drops_big_frames_that_the_message_limit_would_allow()
    {
        var (client, _) = await WireClient.ConnectWelcomedAsync(_server.EndPoint);
        await using var _ = client;
        var big = new string('x', 1900);

        for (var i = 0; i < 5; i++)
        {
            await client.SendJsonAsync($$"""{"cmd":"PING","message":"{{big}}","id":{{i}}}""");
        }

        var codes = new List<string?>();
        for (var i = 0; i < 5; i++)
        {
            var reply = await client.ReadFrameAsync();
            codes.Add((string?)reply["cmd"] == "PONG" ? "PONG" : (string?)reply["message"]!["code"]);
        }

        // 6k of burst holds three 1.9k frames; the rest are over the byte limit.
        Assert.Equal(["PONG", "PONG", "PONG", "rate_limited", "rate_limited"], codes);
    }

    [Fact]
    public async Task A_flooder_is_disconnected_and_its_neighbour_is_served_throughout()
    {
        var (flooder, _) = await WireClient.ConnectWelcomedAsync(_server.EndPoint);
        var (neighbour, _) = await WireClient.ConnectWelcomedAsync(_server.EndPoint);
        await using var _ = flooder;
        await using var __ = neighbour;

        using var stop = new CancellationTokenSource();
        var flood = Task.Run(async () =>
        {
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    await flooder.SendRawAsync(ManyPings(10)); // 200 frames/s against a limit of 20.
                    await Task.Delay(50);
                }
            }
            catch (IOException)
            {
                // Disconnected by the server.
            }
        });

        // The neighbour pings at 5 Hz throughout and gets every reply.
        for (var i = 0; i < 10; i++)
        {
            await neighbour.SendJsonAsync($$"""{"cmd":"PING","message":{{i}}}""");
            Assert.Equal($$"""{"cmd":"PONG","message":{{i}}}""", await neighbour.ReadFrameTextAsync());
            await Task.Delay(200);
        }

        string? lastCode = null;
        string? detail = null;
        while (await ReadOrNullAsync(flooder) is { } frame)
        {
            if ((string?)frame["cmd"] == "ERROR")
            {
                lastCode = (string?)frame["message"]!["code"];
                detail = (string?)frame["message"]!["detail"];
            }
        }

        await stop.CancelAsync();
        await flood;
        Assert.Equal("rate_limited", lastCode);
        Assert.Contains("disconnecting", detail);
        await _server.WaitForOnlineCountAsync(1);
    }

    private static async Task<Newtonsoft.Json.Linq.JObject?> ReadOrNullAsync(WireClient client)
    {
        try
        {
            return await client.ReadFrameTextAsync() is { } text ? Json.Parse(text) : null;
        }
        catch (IOException)
        {
            return null; // Reset after the close: the frames before it were read.
        }
    }

    private static byte[] ManyPings(int count) => Enumerable.Range(0, count)
        .SelectMany(i => WireClient.Frame(Encoding.UTF8.GetBytes($$"""{"cmd":"PING","message":{{i}},"id":{{i}}}""")))
        .ToArray();
}
