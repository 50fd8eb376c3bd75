using System.Buffers;
using System.Net.WebSockets;
using ActorGameServer.Protocol;

namespace ActorGameServer.Client.Transports;

/// <summary>
/// Envelopes over a WebSocket: each message (text or binary) is one envelope's JSON, with no
/// length prefix. A message is read into a buffer that grows only up to the maximum; one byte
/// more fails the connection, so a hostile server cannot make the client hold an endless message.
/// </summary>
internal sealed class WebSocketTransport : ITransport
{
    private const int InitialBufferBytes = 16 * 1024;

    private readonly ClientWebSocket _socket;
    private readonly int _maxFrameBytes;
    private byte[] _buffer = new byte[InitialBufferBytes];

    private WebSocketTransport(ClientWebSocket socket, int maxFrameBytes)
    {
        _socket = socket;
        _maxFrameBytes = maxFrameBytes;
    }

    public static async Task<WebSocketTransport> ConnectAsync(
        Uri url, Action<ClientWebSocketOptions>? configure, int maxFrameBytes, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        try
        {
            configure?.Invoke(socket.Options);
            await socket.ConnectAsync(url, cancellationToken);
            return new WebSocketTransport(socket, maxFrameBytes);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public ValueTask SendAsync(ReadOnlyMemory<byte> json, CancellationToken cancellationToken) =>
        _socket.SendAsync(json, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);

    public async ValueTask<Envelope?> ReceiveAsync(CancellationToken cancellationToken)
    {
        var length = 0;
        try
        {
            while (true)
            {
                if (length == _buffer.Length)
                {
                    Grow();
                }

                var result = await _socket.ReceiveAsync(_buffer.AsMemory(length), cancellationToken);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return await ClosedByServerAsync(cancellationToken);
                }

                length += result.Count;
                if (length > _maxFrameBytes)
                {
                    throw new InvalidDataException(
                        $"the server sent a WebSocket message larger than the maximum of {_maxFrameBytes} bytes");
                }

                if (result.EndOfMessage)
                {
                    var parsed = EnvelopeParser.Parse(_buffer.AsSpan(0, length), GameClient.MaxJsonDepth);
                    return parsed.Envelope ?? throw new InvalidDataException(
                        $"the server sent a bad message: {parsed.Error!.Code.ToWire()} {parsed.Error.Detail}");
                }
            }
        }
        finally
        {
            // The envelope holds copies of its values, so a grown buffer goes back at once.
            if (_buffer.Length > InitialBufferBytes)
            {
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = new byte[InitialBufferBytes];
            }
        }
    }

    /// <summary>Starts the close handshake: the server answers with its own close frame.</summary>
    public async ValueTask<bool> SayGoodbyeAsync(CancellationToken cancellationToken)
    {
        if (_socket.State != WebSocketState.Open)
        {
            return false;
        }

        await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "client closing", cancellationToken);
        return true;
    }

    public void Abort() => _socket.Abort();

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Doubles the buffer, never past one byte over the maximum: that byte is how an oversized
    /// message is told apart from one of exactly the maximum size.
    /// </summary>
    private void Grow()
    {
        var bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)_buffer.Length * 2, (long)_maxFrameBytes + 1));
        _buffer.CopyTo(bigger, 0);
        if (_buffer.Length > InitialBufferBytes)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
        }

        _buffer = bigger;
    }

    /// <summary>
    /// The server sent a close frame: answer it to finish the handshake. A normal or going-away
    /// close (1000, 1001) ends the connection in order; any other status is the reason it failed.
    /// </summary>
    private async Task<Envelope?> ClosedByServerAsync(CancellationToken cancellationToken)
    {
        var status = _socket.CloseStatus;
        var description = _socket.CloseStatusDescription;
        if (_socket.State == WebSocketState.CloseReceived)
        {
            await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, cancellationToken);
        }

        return status is WebSocketCloseStatus.NormalClosure or WebSocketCloseStatus.EndpointUnavailable
            ? null
            : throw new IOException($"the server closed the WebSocket with status {(int?)status} ({status}): {description}");
    }
}
