using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;
using ActorGameServer.Client;
using ActorGameServer.Server.Tests.Support;

namespace ActorGameServer.Server.Tests.ClientLibrary;

/// <summary>GameClient against a hand-written TCP server that misbehaves on purpose.</summary>
public sealed class TcpTransportTests : IDisposable
{
    private const string Welcome = """{"cmd":"WELCOME","message":{"user_id":1,"max_payload":5000,"version":"test"}}""";

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);

    public TcpTransportTests() => _listener.Start();

    public void Dispose() => _listener.Stop();

    private int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    [Theory]
    [InlineData(uint.MaxValue)]
    [InlineData(1u << 30)]
    [InlineData(GameClient.MaxFrameBytes + 1u)]
    public async Task A_welcome_header_announcing_more_than_the_maximum_fails_the_connect_without_waiting_for_the_bytes(uint length)
    {
        var connecting = GameClient.ConnectAsync("127.0.0.1", Port);
        using var server = await _listener.AcceptSocketAsync().Soon();

        await server.SendAsync(WireClient.LengthPrefix(length)); // Only the header: the promised bytes never come.

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => connecting.Soon());
        Assert.Contains("larger than the maximum", error.Message);
    }

    [Fact]
    public async Task An_oversized_frame_after_welcome_fails_the_push_stream_and_pending_requests()
    {
        var connecting = GameClient.ConnectAsync("127.0.0.1", Port);
        using var server = await _listener.AcceptSocketAsync().Soon();
        await server.SendAsync(Frame(Welcome));
        await using var client = await connecting.Soon();
        var ping = client.PingAsync();

        await server.SendAsync(WireClient.LengthPrefix(uint.MaxValue));

        var closed = await Assert.ThrowsAsync<ChannelClosedException>(() => client.NextPushAsync(WireClient.DefaultTimeout));
        Assert.Contains("larger than the maximum", Assert.IsType<InvalidDataException>(closed.InnerException).Message);
        var pending = await Assert.ThrowsAsync<IOException>(() => ping.Soon());
        Assert.IsType<InvalidDataException>(pending.InnerException);
        Assert.True(await EndedAsync(server), "the client must drop the connection, not keep it open");
    }

    [Fact]
    public async Task Frames_split_anywhere_and_packed_together_arrive_whole_and_in_order()
    {
        var connecting = GameClient.ConnectAsync("127.0.0.1", Port);
        using var server = await _listener.AcceptSocketAsync().Soon();
        var bytes = new[] { Welcome, """{"cmd":"DIRECT","message":{"from":2,"data":1}}""", """{"cmd":"DIRECT","message":{"from":2,"data":"é"}}""" }
            .SelectMany(Frame).ToArray();

        foreach (var b in bytes[..9])
        {
            await server.SendAsync(new[] { b });
        }

        await server.SendAsync(bytes[9..]);
        await using var client = await connecting.Soon();

        Assert.Equal("1", (await client.NextAsync()).Message.GetProperty("data").GetRawText());
        Assert.Equal("é", (await client.NextAsync()).Message.GetProperty("data").GetString());
    }

    [Fact]
    public async Task A_connection_that_ends_inside_a_frame_fails_the_push_stream()
    {
        var connecting = GameClient.ConnectAsync("127.0.0.1", Port);
        var server = await _listener.AcceptSocketAsync().Soon();
        await server.SendAsync(Frame(Welcome));
        await using var client = await connecting.Soon();

        await server.SendAsync(WireClient.LengthPrefix(100));
        server.Dispose();

        var closed = await Assert.ThrowsAsync<ChannelClosedException>(() => client.NextPushAsync(WireClient.DefaultTimeout));
        Assert.IsType<EndOfStreamException>(closed.InnerException);
    }

    [Fact]
    public async Task A_request_sent_after_the_server_closed_the_connection_fails_instead_of_waiting_for_a_reply_forever()
    {
        var connecting = GameClient.ConnectAsync("127.0.0.1", Port);
        using var server = await _listener.AcceptSocketAsync().Soon();
        await server.SendAsync(Frame(Welcome));
        await using var client = await connecting.Soon();

        // A half-close, as the server's after an ERROR that closes: it still reads, so the request is sent.
        server.Shutdown(SocketShutdown.Send);
        using var deadline = new CancellationTokenSource(WireClient.DefaultTimeout);
        await foreach (var _ in client.ReadPushesAsync(deadline.Token))
        {
        }

        var late = await Assert.ThrowsAsync<IOException>(() => client.PingAsync().Soon());
        Assert.Contains("closed", late.Message);
    }

    /// <summary>True when the peer ends the connection (end of stream or reset), skipping what it still sent.</summary>
    private static async Task<bool> EndedAsync(Socket server)
    {
        var buffer = new byte[4096];
        try
        {
            while (await server.ReceiveAsync(buffer).Soon() > 0)
            {
            }

            return true;
        }
        catch (SocketException)
        {
            return true;
        }
    }

    private static byte[] Frame(string json) => WireClient.Frame(Encoding.UTF8.GetBytes(json));
}
