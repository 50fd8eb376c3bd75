using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Newtonsoft.Json.Linq;

namespace ActorGameServer.Server.Tests.Support;

/// <summary>
/// A deliberately plain client for the tests: a socket and the framing written out by hand,
/// so the server is checked against the wire format itself rather than against its own decoder.
/// </summary>
public sealed class WireClient : IWireClient
{
    /// <summary>Generous, because a busy 2-core CI machine is slow; only reached when something is wrong.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    private readonly Socket _socket;
    private readonly NetworkStream _stream;

    private WireClient(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
    }

    public static async Task<WireClient> ConnectAsync(IPEndPoint server)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, server.Port));
        return new WireClient(socket);
    }

    /// <summary>Connects and reads the WELCOME frame, returning its message.</summary>
    public static async Task<(WireClient Client, JObject Welcome)> ConnectWelcomedAsync(IPEndPoint server)
    {
        var client = await ConnectAsync(server);
        var welcome = await client.ReadFrameAsync();
        Assert.Equal("WELCOME", (string?)welcome["cmd"]);
        return (client, (JObject)welcome["message"]!);
    }

    public Task SendJsonAsync(string json) => SendRawAsync(Frame(Encoding.UTF8.GetBytes(json)));

    public async Task SendRawAsync(byte[] bytes) => await _stream.WriteAsync(bytes);

    /// <summary>A length prefix (unsigned 32-bit little-endian) followed by the payload.</summary>
    public static byte[] Frame(byte[] payload) => [.. LengthPrefix((uint)payload.Length), .. payload];

    /// <summary>Just the 4-byte header announcing <paramref name="length"/> bytes (for half-sent and hostile frames).</summary>
    public static byte[] LengthPrefix(uint length)
    {
        var header = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(header, length);
        return header;
    }

    /// <summary>Reads one frame's JSON text; null if the server closed the connection cleanly first.</summary>
    public async Task<string?> ReadFrameTextAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        var header = new byte[4];
        if (!await ReadExactlyOrEofAsync(header, cts.Token))
        {
            return null;
        }

        var payload = new byte[BinaryPrimitives.ReadUInt32LittleEndian(header)];
        if (!await ReadExactlyOrEofAsync(payload, cts.Token))
        {
            throw new EndOfStreamException("the server closed the connection in the middle of a frame");
        }

        return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(payload);
    }

    /// <summary>Reads one frame and parses it, keeping numbers and strings exactly as sent.</summary>
    public async Task<JObject> ReadFrameAsync(TimeSpan? timeout = null)
    {
        var text = await ReadFrameTextAsync(timeout) ?? throw new EndOfStreamException("the server closed the connection");
        return Json.Parse(text);
    }

    /// <summary>True when the server closes the connection (EOF or reset) before sending anything else.</summary>
    public async Task<bool> IsClosedByServerAsync(TimeSpan? timeout = null)
    {
        try
        {
            return await ReadFrameTextAsync(timeout) is null;
        }
        catch (IOException)
        {
            return true; // A reset also counts as closed.
        }
    }

    public void Reset()
    {
        _socket.LingerState = new LingerOption(true, 0);
        _socket.Close();
    }

    public async ValueTask DisposeAsync() => await _stream.DisposeAsync();

    private async Task<bool> ReadExactlyOrEofAsync(byte[] buffer, CancellationToken cancellationToken)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await _stream.ReadAsync(buffer.AsMemory(read), cancellationToken);
            if (n == 0)
            {
                return read == 0 ? false : throw new EndOfStreamException("the connection ended inside a frame");
            }

            read += n;
        }

        return true;
    }
}
