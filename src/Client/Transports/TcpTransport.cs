using System.Net.Sockets;
using ActorGameServer.Protocol;

namespace ActorGameServer.Client.Transports;

/// <summary>
/// Frames over a TCP stream: a 4-byte little-endian length, then the JSON. Decoding is
/// Protocol's <see cref="FrameDecoder"/>, so a length above the maximum is refused from the
/// header alone and never allocated.
/// </summary>
internal sealed class TcpTransport : ITransport
{
    private readonly Socket _socket;
    private readonly FrameDecoder _decoder;
    private readonly byte[] _receiveBuffer = new byte[16 * 1024];

    private TcpTransport(Socket socket, int maxFrameBytes)
    {
        _socket = socket;
        _decoder = new FrameDecoder(maxFrameBytes, GameClient.MaxJsonDepth);
    }

    public static async Task<TcpTransport> ConnectAsync(string host, int port, int maxFrameBytes, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(host, port, cancellationToken);
            return new TcpTransport(socket, maxFrameBytes);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public async ValueTask SendAsync(ReadOnlyMemory<byte> json, CancellationToken cancellationToken) =>
        await _socket.SendAsync(FrameWriter.Frame(json.Span), cancellationToken);

    public async ValueTask<Envelope?> ReceiveAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var decoded = _decoder.TryDecode();
            if (decoded.Error is { } error)
            {
                throw new InvalidDataException($"the server sent a bad frame: {error.Code.ToWire()} {error.Detail}");
            }

            if (decoded.Envelope is { } envelope)
            {
                return envelope;
            }

            var read = await _socket.ReceiveAsync(_receiveBuffer, cancellationToken);
            if (read == 0)
            {
                return _decoder.BufferedBytes == 0
                    ? null
                    : throw new EndOfStreamException("the server closed the connection in the middle of a frame");
            }

            _decoder.Feed(_receiveBuffer.AsSpan(0, read));
        }
    }

    /// <summary>Nothing to say: closing the socket is the goodbye.</summary>
    public ValueTask<bool> SayGoodbyeAsync(CancellationToken cancellationToken) => ValueTask.FromResult(false);

    public void Abort() => _socket.Dispose();

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        _decoder.Dispose();
        return ValueTask.CompletedTask;
    }
}
