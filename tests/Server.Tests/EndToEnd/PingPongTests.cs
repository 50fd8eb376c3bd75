using System.Text;
using ActorGameServer.Server.Tests.Support;
using Newtonsoft.Json.Linq;

namespace ActorGameServer.Server.Tests.EndToEnd;

public sealed class PingPongTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Welcome_gives_each_connection_its_own_increasing_user_id_and_the_limits()
    {
        var (first, welcome1) = await WireClient.ConnectWelcomedAsync(_server.EndPoint);
        var (second, welcome2) = await WireClient.ConnectWelcomedAsync(_server.EndPoint);
        await using (first)
        await using (second)
        {
            Assert.Equal(5000, (int)welcome1["max_payload"]!);
            Assert.Equal(ServerVersion.Current, (string?)welcome1["version"]);
            Assert.True((long)welcome1["user_id"]! >= 1);
            Assert.True((long)welcome2["user_id"]! > (long)welcome1["user_id"]!);
        }
    }

    [Theory]
    [InlineData("1732480000123")]
    [InlineData("9007199254740993")] // Not representable as a double: must not pass through one.
    [InlineData("1.5")]
    [InlineData("-0.25")]
    [InlineData("1.50")]
    [InlineData("1e400")]
    [InlineData("\"héllo wörld 🎮 \\\"quoted\\\" \\u00e9\"")]
    [InlineData("{\"x\":1.5,\"y\":[1,2,{\"z\":null}],\"ok\":true}")]
    [InlineData("[]")]
    [InlineData("null")]
    [InlineData("true")]
    [InlineData("false")]
    public async Task Pong_carries_the_ping_message_byte_for_byte(string message)
    {
        var (client, _) = await WireClient.ConnectWelcomedAsync(_server.EndPoint);
        await using var _ = client;

        await client.SendJsonAsync($"{{\"cmd\":\"PING\",\"message\":{message}}}");

        Assert.Equal($"{{\"cmd\":\"PONG\",\"message\":{message}}}", await client.ReadFrameTextAsync());
    }

    [Fact]
    public async Task Pong_copies_the_request_id_and_treats_a_missing_message_as_null()
    {
        var (client, _) = await WireClient.ConnectWelcomedAsync(_server.EndPoint);
        await using var _ = client;

        await client.SendJsonAsync("""{"id":{"seq":7},"extra":"ignored","cmd":"PING"}""");

        var pong = await client.ReadFrameAsync();
        Assert.Equal("PONG", (string?)pong["cmd"]);
        Assert.Equal(JTokenType.Null, pong["message"]!.Type);
        Assert.True(JToken.DeepEquals(Json.ParseValue("""{"seq":7}"""), pong["id"]));
    }

    [Fact]
    public async Task Frames_split_into_single_bytes_or_packed_together_are_all_answered_in_order()
    {
        var (client, _) = await WireClient.ConnectWelcomedAsync(_server.EndPoint);
        await using var _ = client;
        var frames = Enumerable.Range(0, 20)
            .SelectMany(i => WireClient.Frame(Encoding.UTF8.GetBytes($"{{\"cmd\":\"PING\",\"message\":{i}}}")))
            .ToArray();

        // The first half one byte per write, the second half in a single write.
        var half = frames.Length / 2;
        foreach (var b in frames[..half])
        {
            await client.SendRawAsync([b]);
        }

        await client.SendRawAsync(frames[half..]);

        for (var i = 0; i < 20; i++)
        {
            Assert.Equal($"{{\"cmd\":\"PONG\",\"message\":{i}}}", await client.ReadFrameTextAsync());
        }
    }

    [Fact]
    public async Task Two_hundred_concurrent_clients_each_get_all_their_hundred_pongs_in_order()
    {
        const int clients = 200;
        const int pings = 100;

        async Task<int[]> PlayAsync(int player)
        {
            var (client, _) = await WireClient.ConnectWelcomedAsync(_server.EndPoint);
            await using var _ = client;
            var received = new int[pings];
            // Pipelined: all pings go out before the first pong is read, which also exercises
            // the server's write batching and backpressure.
            var send = Task.Run(async () =>
            {
                for (var i = 0; i < pings; i++)
                {
                    await client.SendJsonAsync($"{{\"cmd\":\"PING\",\"message\":{{\"p\":{player},\"i\":{i}}}}}");
                }
            });
            for (var i = 0; i < pings; i++)
            {
                var pong = await client.ReadFrameAsync();
                Assert.Equal("PONG", (string?)pong["cmd"]);
                Assert.Equal(player, (int)pong["message"]!["p"]!);
                received[i] = (int)pong["message"]!["i"]!;
            }

            await send;
            return received;
        }

        var results = await Task.WhenAll(Enumerable.Range(0, clients).Select(PlayAsync));

        var expected = Enumerable.Range(0, pings).ToArray();
        Assert.All(results, received => Assert.Equal(expected, received));
        await _server.WaitForOnlineCountAsync(0);
    }
}
