using System.Text;
using ActorGameServer.Server.Tests.Support;

namespace ActorGameServer.Server.Tests.EndToEnd;

/// <summary>
/// The rate limits over real sockets. Each test starts a server with the limits it needs; where a
/// test counts answers, the refill is the slowest the settings allow and <c>disconnect-after</c>
/// is far away, so what the server answers depends on what was sent, not on how busy this
/// machine is.
/// </summary>
public sealed class RateLimitTests
{
    [Fact]
    public async Task Frames_beyond_the_burst_are_answered_rate_limited_with_their_ids_in_order_and_the_connection_survives()
    {
        // One token a second comes back too slowly to matter: the 30 frames go out in one write
        // and are checked one after another as they are read.
        await using var server = await TestServer.StartAsync("""
            game-server.rate-limit { messages-per-second = 1, burst = 10, bytes-per-second = 1m, byte-burst = 1m, disconnect-after = 60s }
            """);
        var (client, _) = await WireClient.ConnectWelcomedAsync(server.EndPoint);
        await using var _ = client;

        await client.SendRawAsync(ManyPings(30));

        var replies = new List<string>();
        for (var i = 0; i < 30; i++)
        {
            replies.Add(Outcome(await client.ReadFrameAsync()));
        }

        Assert.Equal(
            [.. Enumerable.Range(0, 10).Select(i => $"PONG {i} {i}"), .. Enumerable.Range(10, 20).Select(i => $"rate_limited {i}")],
            replies);

        // Only a one-sided fact about time: after a full second at least one token is back,
        // however late the server reads the next frame.
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        await client.SendJsonAsync("""{"cmd":"PING","message":"after"}""");
        Assert.Equal("""{"cmd":"PONG","message":"after"}""", await client.ReadFrameTextAsync());
    }

    [Fact]
    public async Task The_byte_limit_drops_big_frames_that_the_message_limit_would_allow()
    {
        // 6k of burst holds three frames of 1938 bytes; one byte a second never makes room for a fourth.
        await using var server = await TestServer.StartAsync("""
            game-server {
              max-payload = 2000
              rate-limit { messages-per-second = 1, burst = 20, bytes-per-second = 1, byte-burst = 6k, disconnect-after = 60s }
            }
            """);
        var (client, _) = await WireClient.ConnectWelcomedAsync(server.EndPoint);
        await using var _ = client;
        var big = new string('x', 1900);

        await client.SendRawAsync([.. Enumerable.Range(0, 5).SelectMany(i =>
            WireClient.Frame(Encoding.UTF8.GetBytes($$"""{"cmd":"PING","message":"{{big}}","id":{{i}}}""")))]);

        var replies = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var reply = await client.ReadFrameAsync();
            replies.Add((string?)reply["cmd"] == "PONG" ? $"PONG {reply["id"]}" : Outcome(reply));
        }

        Assert.Equal(["PONG 0", "PONG 1", "PONG 2", "rate_limited 3", "rate_limited 4"], replies);
    }

    [Fact]
    public async Task A_flooder_is_disconnected_and_its_neighbour_is_served_throughout()
    {
        await using var server = await TestServer.StartAsync("""
            game-server.rate-limit { messages-per-second = 20, burst = 20, bytes-per-second = 4k, byte-burst = 6k, disconnect-after = 1s }
            """);
        var (flooder, _) = await WireClient.ConnectWelcomedAsync(server.EndPoint);
        var (neighbour, _) = await WireClient.ConnectWelcomedAsync(server.EndPoint);
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
        await server.WaitForOnlineCountAsync(1);
    }

    /// <summary>A reply as "PONG id message" or "code id", so a list of replies reads as what the server did.</summary>
    private static string Outcome(Newtonsoft.Json.Linq.JObject reply) => (string?)reply["cmd"] == "PONG"
        ? $"PONG {reply["id"]} {reply["message"]}"
        : $"{reply["message"]!["code"]} {reply["id"]}";

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
