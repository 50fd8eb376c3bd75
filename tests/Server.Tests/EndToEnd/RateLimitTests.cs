using System.Diagnostics;
using System.Net.WebSockets;
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
    public async Task Frames_beyond_the_burst_are_dropped_the_first_is_answered_rate_limited_with_its_id_and_the_connection_survives()
    {
        // One token a second comes back too slowly to matter: the 30 frames go out in one write
        // and are checked one after another as they are read. The error interval is far away, so
        // only the first dropped frame is answered.
        await using var server = await TestServer.StartAsync("""
            game-server.rate-limit { messages-per-second = 1, burst = 10, bytes-per-second = 1m, byte-burst = 1m, disconnect-after = 60s, error-interval = 1h }
            """);
        var (client, _) = await WireClient.ConnectWelcomedAsync(server.EndPoint);
        await using var _ = client;

        await client.SendRawAsync(ManyPings(30));

        var replies = new List<string>();
        for (var i = 0; i < 11; i++)
        {
            replies.Add(Outcome(await client.ReadFrameAsync()));
        }

        Assert.Equal([.. Enumerable.Range(0, 10).Select(i => $"PONG {i} {i}"), "rate_limited 10"], replies);

        // Only a one-sided fact about time: after a full second at least one token is back,
        // however late the server reads the next frame. Its PONG is the very next frame: frames
        // 11 to 29 went unanswered.
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
              rate-limit { messages-per-second = 1, burst = 20, bytes-per-second = 1, byte-burst = 6k, disconnect-after = 60s, error-interval = 1h }
            }
            """);
        var (client, _) = await WireClient.ConnectWelcomedAsync(server.EndPoint);
        await using var _ = client;
        var big = new string('x', 1900);

        await client.SendRawAsync([.. Enumerable.Range(0, 5).SelectMany(i =>
            WireClient.Frame(Encoding.UTF8.GetBytes($$"""{"cmd":"PING","message":"{{big}}","id":{{i}}}""")))]);

        var replies = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            var reply = await client.ReadFrameAsync();
            replies.Add((string?)reply["cmd"] == "PONG" ? $"PONG {reply["id"]}" : Outcome(reply));
        }

        Assert.Equal(["PONG 0", "PONG 1", "PONG 2", "rate_limited 3"], replies); // Frame 4 goes unanswered.
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

    [Theory]
    [MemberData(nameof(WireClients.Transports), MemberType = typeof(WireClients))]
    public async Task A_client_that_sends_20000_pings_at_once_gets_one_rate_limited_a_second_then_the_disconnect_error_and_a_clean_close_while_a_bystander_plays_on(string transport)
    {
        // A close-timeout longer than any wait of the test: a close that only ended by timing out
        // (a reset) fails the test instead of passing late; a graceful close needs no timeout.
        await using var server = await TestServer.StartAsync("""
            game-server {
              close-timeout = 60s
              rate-limit { messages-per-second = 100, burst = 100, disconnect-after = 1s }
            }
            """);
        var (flooder, _) = await server.ConnectWelcomedAsync(transport);
        var (bystander, _) = await server.ConnectWelcomedAsync(transport);
        await using var _ = flooder;
        await using var __ = bystander;
        using var flooding = new CancellationTokenSource();
        var playing = PlayAsync(bystander, flooding.Token);

        var clock = Stopwatch.StartNew();
        var sending = FloodAsync(flooder, 20_000);
        var received = new List<Newtonsoft.Json.Linq.JObject>();
        while (await flooder.ReadFrameTextAsync() is { } text) // A reset throws here instead.
        {
            received.Add(Json.Parse(text));
        }

        var seconds = clock.Elapsed.TotalSeconds;
        await flooding.CancelAsync();

        // At most one answer to a dropped frame a second, each naming the frame it answers; far
        // fewer than the frames dropped.
        var errors = received.Where(f => (string?)f["cmd"] == "ERROR").ToList();
        var answers = errors.SkipLast(1).ToList();
        Assert.NotEmpty(answers);
        Assert.InRange(answers.Count, 1, (int)seconds + 1);
        Assert.All(answers, a => Assert.Equal("rate_limited", (string?)a["message"]!["code"]));
        Assert.All(answers, a => Assert.InRange((int)a["id"]!, 100, 19_999)); // The first 100 fit the burst.

        // The last frame says why the server disconnects; everything else was a PONG; then the
        // close (EOF on TCP, a close frame on WebSocket), not a reset.
        Assert.Equal(errors[^1], received[^1]);
        Assert.Equal("rate_limited", (string?)received[^1]["message"]!["code"]);
        Assert.Contains("disconnecting", (string?)received[^1]["message"]!["detail"]);
        Assert.Equal(received.Count - errors.Count, received.Count(f => (string?)f["cmd"] == "PONG"));
        if (flooder is WebSocketWireClient web)
        {
            Assert.Equal(WebSocketCloseStatus.PolicyViolation, web.CloseStatus);
        }

        // Our side of the close: the server, reading on to it, had taken everything we sent.
        await sending;
        await flooder.DisposeAsync();

        // The bystander got every PONG, in order, and nothing else (PlayAsync checks each reply),
        // and is still served after the flooder is gone.
        Assert.InRange(await playing, 1, int.MaxValue);
        await bystander.SendJsonAsync("""{"cmd":"PING","message":"after"}""");
        Assert.Equal("""{"cmd":"PONG","message":"after"}""", await bystander.ReadFrameTextAsync());
        await server.WaitForOnlineCountAsync(1); // Within the test's timeout, so well within close-timeout.
    }

    /// <summary>
    /// Sends <paramref name="count"/> PINGs as fast as the transport takes them: on TCP in one
    /// write, on WebSocket one message each. The sending may block while the server does not
    /// read, and ends when everything was taken or the server closed.
    /// </summary>
    private static Task FloodAsync(IWireClient client, int count) => Task.Run(async () =>
    {
        if (client is WireClient tcp)
        {
            // The server reads (and throws away) what is left once it closes, until our close:
            // this write completes.
            await tcp.SendRawAsync(ManyPings(count));
            return;
        }

        try
        {
            for (var i = 0; i < count; i++)
            {
                await client.SendJsonAsync($$"""{"cmd":"PING","message":{{i}},"id":{{i}}}""");
            }
        }
        catch (Exception e) when (e is WebSocketException or InvalidOperationException or ObjectDisposedException or OperationCanceledException)
        {
            // The close handshake ended the WebSocket before the last message went out.
        }
    });

    /// <summary>
    /// Pings at 50 Hz, within the limits, until <paramref name="stop"/>, and at least once;
    /// every reply must be the PONG of the PING just sent. Returns how many were answered.
    /// </summary>
    private static async Task<int> PlayAsync(IWireClient client, CancellationToken stop)
    {
        var answered = 0;
        do
        {
            await client.SendJsonAsync($$"""{"cmd":"PING","message":{{answered}}}""");
            Assert.Equal($$"""{"cmd":"PONG","message":{{answered}}}""", await client.ReadFrameTextAsync());
            answered++;
            await Task.Delay(20, CancellationToken.None); // Pacing, not waiting for anything.
        }
        while (!stop.IsCancellationRequested);

        return answered;
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
