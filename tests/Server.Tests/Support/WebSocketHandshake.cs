using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;

namespace ActorGameServer.Server.Tests.Support;

/// <summary>
/// The HTTP/1.1 upgrade of RFC 6455 written out by hand, for both ends of a test: a raw client
/// that wants to send bytes no real client would, and a fake server that answers them.
/// </summary>
public static class WebSocketHandshake
{
    private const string Guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    /// <summary>A fresh random <c>Sec-WebSocket-Key</c>.</summary>
    public static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));

    /// <summary>The <c>Sec-WebSocket-Accept</c> a server must answer <paramref name="key"/> with.</summary>
    public static string AcceptFor(string key) =>
        Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + Guid)));

    /// <summary>The GET request that asks <paramref name="server"/> to upgrade <paramref name="path"/> to a WebSocket.</summary>
    public static byte[] UpgradeRequest(IPEndPoint server, string key, string path = "/ws") => Encoding.ASCII.GetBytes(
        $"GET {path} HTTP/1.1\r\n" +
        $"Host: {server}\r\n" +
        "Upgrade: websocket\r\n" +
        "Connection: Upgrade\r\n" +
        $"Sec-WebSocket-Key: {key}\r\n" +
        "Sec-WebSocket-Version: 13\r\n" +
        "\r\n");

    /// <summary>
    /// Reads an HTTP head (request or response) up to the blank line, byte by byte so nothing
    /// after it is consumed; null when the peer closes first.
    /// </summary>
    public static async Task<string?> ReadHeadAsync(Stream stream, CancellationToken cancellationToken)
    {
        var head = new List<byte>();
        var one = new byte[1];
        while (!(head.Count >= 4 && head[^4] == '\r' && head[^3] == '\n' && head[^2] == '\r' && head[^1] == '\n'))
        {
            if (await stream.ReadAsync(one, cancellationToken) == 0)
            {
                return head.Count == 0 ? null : throw new EndOfStreamException("the connection ended inside an HTTP head");
            }

            head.Add(one[0]);
        }

        return Encoding.ASCII.GetString([.. head]);
    }

    /// <summary>The value of <paramref name="name"/> in an HTTP head, or null.</summary>
    public static string? Header(string head, string name) => head
        .Split("\r\n")
        .Select(line => line.Split(':', 2))
        .Where(parts => parts.Length == 2 && parts[0].Trim().Equals(name, StringComparison.OrdinalIgnoreCase))
        .Select(parts => parts[1].Trim())
        .FirstOrDefault();

    /// <summary>
    /// A WebSocket frame as a client sends it (masked), with any opcode, FIN bit and declared
    /// length, so tests can send what <see cref="ClientWebSocket"/> never would.
    /// </summary>
    /// <param name="declaredLength">The length in the header; defaults to the payload's.</param>
    public static byte[] ClientFrame(byte opcode, ReadOnlySpan<byte> payload, bool fin = true, ulong? declaredLength = null)
    {
        var length = declaredLength ?? (ulong)payload.Length;
        var frame = new List<byte> { (byte)((fin ? 0x80 : 0) | opcode) };
        if (length < 126)
        {
            frame.Add((byte)(0x80 | (int)length));
        }
        else if (length <= ushort.MaxValue)
        {
            frame.Add(0x80 | 126);
            frame.AddRange([(byte)(length >> 8), (byte)length]);
        }
        else
        {
            frame.Add(0x80 | 127);
            for (var shift = 56; shift >= 0; shift -= 8)
            {
                frame.Add((byte)(length >> shift));
            }
        }

        var mask = RandomNumberGenerator.GetBytes(4);
        frame.AddRange(mask);
        for (var i = 0; i < payload.Length; i++)
        {
            frame.Add((byte)(payload[i] ^ mask[i % 4]));
        }

        return [.. frame];
    }
}

/// <summary>
/// A WebSocket server of a few lines on 127.0.0.1 for testing clients: it answers the upgrade by
/// hand and hands the test the server end, which sends whatever the test wants.
/// </summary>
public sealed class FakeWebSocketServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);

    public FakeWebSocketServer() => _listener.Start();

    public Uri Url => new($"ws://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/ws");

    /// <summary>Accepts one connection and completes its upgrade.</summary>
    public async Task<WebSocket> AcceptAsync()
    {
        using var timeout = new CancellationTokenSource(WireClient.DefaultTimeout);
        var stream = new NetworkStream(await _listener.AcceptSocketAsync(timeout.Token), ownsSocket: true);
        try
        {
            var head = await WebSocketHandshake.ReadHeadAsync(stream, timeout.Token) ?? throw new EndOfStreamException("no upgrade request");
            var key = WebSocketHandshake.Header(head, "Sec-WebSocket-Key") ?? throw new InvalidDataException("no Sec-WebSocket-Key in\n" + head);
            await stream.WriteAsync(Encoding.ASCII.GetBytes(
                "HTTP/1.1 101 Switching Protocols\r\n" +
                "Upgrade: websocket\r\n" +
                "Connection: Upgrade\r\n" +
                $"Sec-WebSocket-Accept: {WebSocketHandshake.AcceptFor(key)}\r\n" +
                "\r\n"), timeout.Token);
            return WebSocket.CreateFromStream(stream, new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = TimeSpan.Zero });
        }
        catch
        {
            await stream.DisposeAsync();
            throw;
        }
    }

    public void Dispose() => _listener.Stop();
}
