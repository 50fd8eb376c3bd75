using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using ActorGameServer.Server.Tests.Support;

namespace ActorGameServer.Server.Tests.Http;

/// <summary>
/// A WebSocket client written out by hand on a plain socket (RFC 6455), so tests can send what no
/// well-behaved library would: fragments with control frames between them, unmasked frames,
/// lying lengths, random bytes, a close without a handshake.
/// </summary>
public sealed class RawWebSocket : IAsyncDisposable
{
    public const byte Continuation = 0x0, Text = 0x1, Binary = 0x2, Close = 0x8, Ping = 0x9, Pong = 0xA;

    private readonly Socket _socket;
    private readonly NetworkStream _stream;

    private RawWebSocket(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
    }

    /// <summary>The server's answer to the upgrade request, e.g. "HTTP/1.1 101 Switching Protocols".</summary>
    public string StatusLine { get; private set; } = "";

    /// <summary>Opens a socket and sends the upgrade request; <see cref="StatusLine"/> says how it went.</summary>
    public static async Task<RawWebSocket> ConnectAsync(IPEndPoint http, string extraHeaders = "")
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, http.Port));
        var client = new RawWebSocket(socket);
        await client.SendRawAsync(Encoding.ASCII.GetBytes(
            $"GET /ws HTTP/1.1\r\nHost: 127.0.0.1:{http.Port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            $"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n{extraHeaders}\r\n"));
        client.StatusLine = await client.ReadHttpHeadAsync();
        return client;
    }

    /// <summary>Connects, upgrades, and reads the WELCOME message.</summary>
    public static async Task<RawWebSocket> ConnectWelcomedAsync(IPEndPoint http)
    {
        var client = await ConnectAsync(http);
        Assert.StartsWith("HTTP/1.1 101", client.StatusLine);
        var (opcode, payload) = await client.ReadFrameAsync() ?? throw new EndOfStreamException("closed before WELCOME");
        Assert.Equal(Text, opcode);
        Assert.Contains("\"WELCOME\"", Encoding.UTF8.GetString(payload));
        return client;
    }

    public Task SendTextAsync(string json) => SendFrameAsync(Text, Encoding.UTF8.GetBytes(json));

    /// <summary>One frame; clients must mask theirs (<paramref name="mask"/> false is a protocol violation).</summary>
    public async Task SendFrameAsync(byte opcode, byte[] payload, bool fin = true, bool mask = true)
    {
        var frame = new List<byte> { (byte)((fin ? 0x80 : 0) | opcode) };
        var maskBit = mask ? 0x80 : 0;
        if (payload.Length < 126)
        {
            frame.Add((byte)(maskBit | payload.Length));
        }
        else if (payload.Length <= ushort.MaxValue)
        {
            frame.Add((byte)(maskBit | 126));
            frame.Add((byte)(payload.Length >> 8));
            frame.Add((byte)payload.Length);
        }
        else
        {
            frame.Add((byte)(maskBit | 127));
            var length = new byte[8];
            BinaryPrimitives.WriteUInt64BigEndian(length, (ulong)payload.Length);
            frame.AddRange(length);
        }

        byte[] key = [0x12, 0x34, 0x56, 0x78];
        if (mask)
        {
            frame.AddRange(key);
        }

        frame.AddRange(mask ? payload.Select((b, i) => (byte)(b ^ key[i % 4])) : payload);
        await SendRawAsync([.. frame]);
    }

    /// <summary>Only a frame header, announcing <paramref name="length"/> payload bytes that never follow.</summary>
    public Task SendHeaderOnlyAsync(byte opcode, ulong length)
    {
        var header = new byte[14];
        header[0] = (byte)(0x80 | opcode);
        header[1] = 0x80 | 127;
        BinaryPrimitives.WriteUInt64BigEndian(header.AsSpan(2), length);
        return SendRawAsync(header); // The 4 mask bytes are the zeros at the end.
    }

    public async Task SendRawAsync(byte[] bytes) => await _stream.WriteAsync(bytes);

    /// <summary>The next frame from the server (opcode and payload); null when the connection ended.</summary>
    public async Task<(byte Opcode, byte[] Payload)?> ReadFrameAsync()
    {
        using var timeout = new CancellationTokenSource(WireClient.DefaultTimeout);
        var head = new byte[2];
        if (!await ReadExactlyAsync(head, timeout.Token))
        {
            return null;
        }

        long length = head[1] & 0x7F;
        if (length == 126 || length == 127)
        {
            var extended = new byte[length == 126 ? 2 : 8];
            await ReadExactlyAsync(extended, timeout.Token);
            length = extended.Length == 2 ? BinaryPrimitives.ReadUInt16BigEndian(extended) : (long)BinaryPrimitives.ReadUInt64BigEndian(extended);
        }

        var payload = new byte[length];
        await ReadExactlyAsync(payload, timeout.Token);
        return ((byte)(head[0] & 0x0F), payload);
    }

    /// <summary>The next data message's text, skipping control frames (the server's keep-alive pings).</summary>
    public async Task<string> ReadTextAsync()
    {
        while (await ReadFrameAsync() is var (opcode, payload))
        {
            if (opcode is Text or Binary)
            {
                return Encoding.UTF8.GetString(payload);
            }

            if (opcode == Close)
            {
                throw new EndOfStreamException($"the server closed with {CloseCode(payload)}");
            }
        }

        throw new EndOfStreamException("the connection ended");
    }

    /// <summary>Reads until the server's close frame and returns its status code (null if the connection just ended).</summary>
    public async Task<int?> ReadCloseCodeAsync()
    {
        try
        {
            while (await ReadFrameAsync() is var (opcode, payload))
            {
                if (opcode == Close)
                {
                    return CloseCode(payload);
                }
            }
        }
        catch (IOException)
        {
            // A reset: the connection ended without a close frame.
        }

        return null;
    }

    /// <summary>True once the server has closed the TCP connection (EOF or reset).</summary>
    public async Task<bool> IsClosedByServerAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(WireClient.DefaultTimeout);
            var buffer = new byte[4096];
            while (await _stream.ReadAsync(buffer, timeout.Token) > 0)
            {
            }

            return true;
        }
        catch (IOException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync() => await _stream.DisposeAsync();

    /// <summary>Drops the connection with a reset: no close frame, no FIN.</summary>
    public void Reset()
    {
        _socket.LingerState = new LingerOption(true, 0);
        _socket.Close();
    }

    private static int CloseCode(byte[] payload) => payload.Length >= 2 ? BinaryPrimitives.ReadUInt16BigEndian(payload) : 1005;

    private async Task<string> ReadHttpHeadAsync()
    {
        var head = new StringBuilder();
        var one = new byte[1];
        using var timeout = new CancellationTokenSource(WireClient.DefaultTimeout);
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            if (await _stream.ReadAsync(one, timeout.Token) == 0)
            {
                break;
            }

            head.Append((char)one[0]);
        }

        return head.ToString().Split("\r\n")[0];
    }

    private async Task<bool> ReadExactlyAsync(byte[] buffer, CancellationToken cancellationToken)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await _stream.ReadAsync(buffer.AsMemory(read), cancellationToken);
            if (n == 0)
            {
                return read == 0 && buffer.Length > 0 ? false : throw new EndOfStreamException("the connection ended inside a frame");
            }

            read += n;
        }

        return true;
    }
}
