using System.Net;
using System.Net.Sockets;
using System.Text;
using ActorGameServer.Protocol;

namespace ActorGameServer.LoadTest;

/// <summary>One connection to the server, framed with the same Protocol library the server uses.</summary>
internal sealed class LoadClient : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly FrameDecoder _decoder = new(maxPayload: 1 << 20, maxDepth: 64);
    private readonly byte[] _receive = new byte[16 * 1024];

    private LoadClient(Socket socket) => _socket = socket;

    public static async Task<LoadClient> ConnectAsync(IPEndPoint server, CancellationToken cancellationToken = default)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(server, cancellationToken);
        return new LoadClient(socket);
    }

    public Socket Socket => _socket;

    public async Task SendAsync(string json, CancellationToken cancellationToken = default) =>
        await _socket.SendAsync(FrameWriter.Frame(Encoding.UTF8.GetBytes(json)), cancellationToken);

    /// <summary>A blocking send of a complete frame, for callers on their own thread.</summary>
    public void Send(byte[] frame) => _socket.Send(frame);

    public async Task SendRawAsync(byte[] bytes, CancellationToken cancellationToken = default) =>
        await _socket.SendAsync(bytes, cancellationToken);

    /// <summary>The next frame from the server, or null when it closed the connection.</summary>
    public async Task<Envelope?> ReceiveAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var decoded = _decoder.TryDecode();
            if (decoded.Envelope is { } envelope)
            {
                return envelope;
            }

            if (decoded.Error is { } error)
            {
                throw new InvalidDataException($"the server sent a bad frame: {error.Code.ToWire()} {error.Detail}");
            }

            var read = await _socket.ReceiveAsync(_receive, cancellationToken);
            if (read == 0)
            {
                return null;
            }

            _decoder.Feed(_receive.AsSpan(0, read));
        }
    }

    public async Task<Envelope> ExpectAsync(string cmd, CancellationToken cancellationToken = default)
    {
        var frame = await ReceiveAsync(cancellationToken) ?? throw new IOException($"closed while waiting for {cmd}");
        return frame.Cmd == cmd ? frame : throw new InvalidDataException($"expected {cmd}, got {frame.Cmd} {frame.Message}");
    }

    public void Reset()
    {
        _socket.LingerState = new LingerOption(true, 0);
        _socket.Close();
    }

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        _decoder.Dispose();
        return ValueTask.CompletedTask;
    }
}
