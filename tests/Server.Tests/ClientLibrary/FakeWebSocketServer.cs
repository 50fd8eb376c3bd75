using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using ActorGameServer.Server.Tests.Support;

namespace ActorGameServer.Server.Tests.ClientLibrary;

/// <summary>
/// The server side of RFC 6455's HTTP/1.1 upgrade, written out by hand for
/// <see cref="FakeWebSocketServer"/>. (For a hand-written client, see Http/RawWebSocket.)
/// </summary>
public static class WebSocketHandshake
{
    private const string Guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    /// <summary>The <c>Sec-WebSocket-Accept</c> a server must answer <paramref name="key"/> with.</summary>
    public static string AcceptFor(string key) =>
        Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + Guid)));

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
