using System.Net;
using System.Net.Sockets;

namespace ActorGameServer.Server.Tests.Support;

/// <summary>
/// A bare TCP connection to the HTTP listener, for bytes no WebSocket library would send: a
/// hand-written upgrade request, then hand-made frames (<see cref="WebSocketHandshake.ClientFrame"/>)
/// or plain garbage.
/// </summary>
public sealed class RawHttpClient : IAsyncDisposable
{
    private readonly NetworkStream _stream;

    private RawHttpClient(NetworkStream stream) => _stream = stream;

    public static async Task<RawHttpClient> ConnectAsync(IPEndPoint server)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, server.Port));
        return new RawHttpClient(new NetworkStream(socket, ownsSocket: true));
    }

    /// <summary>Connects, sends the upgrade request for <paramref name="path"/> and returns the response head.</summary>
    public static async Task<(RawHttpClient Client, string ResponseHead)> ConnectUpgradedAsync(IPEndPoint server, string path = "/ws")
    {
        var client = await ConnectAsync(server);
        var key = WebSocketHandshake.NewKey();
        await client.SendRawAsync(WebSocketHandshake.UpgradeRequest(server, key, path));
        var head = await client.ReadHeadAsync() ?? throw new EndOfStreamException("the server closed instead of answering the upgrade");
        Assert.StartsWith("HTTP/1.1 101", head);
        Assert.Equal(WebSocketHandshake.AcceptFor(key), WebSocketHandshake.Header(head, "Sec-WebSocket-Accept"));
        return (client, head);
    }

    public async Task SendRawAsync(byte[] bytes)
    {
        using var timeout = new CancellationTokenSource(WireClient.DefaultTimeout);
        await _stream.WriteAsync(bytes, timeout.Token);
    }

    /// <summary>An HTTP response head up to the blank line; null when the server closed first.</summary>
    public async Task<string?> ReadHeadAsync()
    {
        using var timeout = new CancellationTokenSource(WireClient.DefaultTimeout);
        return await WebSocketHandshake.ReadHeadAsync(_stream, timeout.Token);
    }

    /// <summary>
    /// Reads one WebSocket frame as the server sent it (unmasked): its opcode (1 text, 2 binary,
    /// 8 close...) and payload; null when the connection ends first.
    /// </summary>
    public async Task<(byte Opcode, byte[] Payload)?> ReadFrameAsync()
    {
        using var timeout = new CancellationTokenSource(WireClient.DefaultTimeout);
        var header = new byte[2];
        if (await _stream.ReadAtLeastAsync(header, 2, throwOnEndOfStream: false, timeout.Token) < 2)
        {
            return null;
        }

        Assert.True((header[1] & 0x80) == 0, "a server must not mask its frames");
        ulong length = (byte)(header[1] & 0x7F);
        if (length >= 126)
        {
            var extended = new byte[length == 126 ? 2 : 8];
            await _stream.ReadExactlyAsync(extended, timeout.Token);
            length = extended.Aggregate(0UL, (value, b) => (value << 8) | b);
        }

        var payload = new byte[checked((int)length)];
        await _stream.ReadExactlyAsync(payload, timeout.Token);
        return ((byte)(header[0] & 0x0F), payload);
    }

    /// <summary>Everything the server sends until it closes the connection (a reset counts as closing).</summary>
    public async Task<byte[]> ReadToEndAsync()
    {
        using var timeout = new CancellationTokenSource(WireClient.DefaultTimeout);
        using var received = new MemoryStream();
        try
        {
            await _stream.CopyToAsync(received, timeout.Token);
        }
        catch (IOException)
        {
            // Reset by the server: what arrived before it is the answer.
        }

        return received.ToArray();
    }

    public async ValueTask DisposeAsync() => await _stream.DisposeAsync();
}
