using System.Net;
using System.Net.Sockets;
using System.Text;
using ActorGameServer.Server.Tests.Support;

namespace ActorGameServer.Server.Tests.Http;

/// <summary>Hostile HTTP before any upgrade: Kestrel's limits, as set in game-server.http.limits, cut it off.</summary>
public sealed class HttpHardeningTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync("""
        game-server.http.limits { request-headers-timeout = 1s, max-request-headers-total-size = 4k }
        """);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Headers_larger_than_the_limit_are_refused_with_431()
    {
        using var socket = await ConnectAsync();

        await socket.SendAsync(Encoding.ASCII.GetBytes($"GET /ws HTTP/1.1\r\nHost: x\r\nX-Padding: {new string('a', 8000)}\r\n\r\n"));

        Assert.StartsWith("HTTP/1.1 431", await ReadAllAsync(socket));
    }

    [Fact]
    public async Task A_client_that_sends_its_headers_too_slowly_is_cut_off()
    {
        using var socket = await ConnectAsync();

        await socket.SendAsync("GET /ws HTTP/1.1\r\nHost: x\r\n"u8.ToArray()); // ... and nothing more.

        // Kestrel answers 408 or just closes: either way the connection ends on the server's side.
        var answer = await ReadAllAsync(socket);
        Assert.True(answer.Length == 0 || answer.StartsWith("HTTP/1.1 408", StringComparison.Ordinal), answer);
    }

    [Fact]
    public async Task Random_bytes_instead_of_a_request_get_400_and_the_game_goes_on()
    {
        using var socket = await ConnectAsync();
        var noise = new byte[2048];
        new Random(7).NextBytes(noise);

        await socket.SendAsync(noise);

        var answer = await ReadAllAsync(socket);
        Assert.True(answer.Length == 0 || answer.StartsWith("HTTP/1.1 400", StringComparison.Ordinal), answer);
        var (player, _) = await WireClient.ConnectWelcomedAsync(_server.EndPoint);
        await using var _ = player;
        await player.SendJsonAsync("""{"cmd":"PING","message":1}""");
        Assert.Equal("""{"cmd":"PONG","message":1}""", await player.ReadFrameTextAsync());
    }

    private async Task<Socket> ConnectAsync()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, _server.HttpEndPoint.Port));
        return socket;
    }

    /// <summary>Everything the server sends until it closes the connection (bounded by the test timeout).</summary>
    private static async Task<string> ReadAllAsync(Socket socket)
    {
        using var timeout = new CancellationTokenSource(WireClient.DefaultTimeout);
        var received = new MemoryStream();
        var buffer = new byte[4096];
        try
        {
            int n;
            while ((n = await socket.ReceiveAsync(buffer, timeout.Token)) > 0)
            {
                received.Write(buffer, 0, n);
            }
        }
        catch (SocketException)
        {
            // A reset after the answer: the connection ended all the same.
        }

        return Encoding.ASCII.GetString(received.ToArray());
    }
}
