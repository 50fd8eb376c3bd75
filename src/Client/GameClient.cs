using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using ActorGameServer.Protocol;

namespace ActorGameServer.Client;

/// <summary>
/// A connection to ActorGameServer. Requests get an id and their reply is awaited
/// (<see cref="RequestAsync"/>); everything else the server sends (PRESENCE, RELAY, DIRECT,
/// SHUTDOWN, ...) comes out of <see cref="ReadPushesAsync"/> in the order it arrived.
/// </summary>
public sealed class GameClient : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly FrameDecoder _decoder;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ConcurrentDictionary<long, TaskCompletionSource<ServerFrame>> _pending = new();
    private readonly Channel<ServerFrame> _pushes = Channel.CreateUnbounded<ServerFrame>(new UnboundedChannelOptions { SingleWriter = true });
    private readonly CancellationTokenSource _closing = new();
    private readonly Task _readLoop;
    private long _lastId;

    private GameClient(Socket socket, ServerFrame welcome)
    {
        _socket = socket;
        UserId = welcome.Message.GetProperty("user_id").GetInt64();
        MaxPayload = welcome.Message.GetProperty("max_payload").GetInt32();
        ServerVersion = welcome.Message.GetProperty("version").GetString() ?? "";
        _decoder = new FrameDecoder(maxPayload: 16 * 1024 * 1024, maxDepth: 256);
        _readLoop = Task.Run(ReadLoopAsync);
    }

    public long UserId { get; }

    public int MaxPayload { get; }

    public string ServerVersion { get; }

    /// <summary>Connects and waits for WELCOME.</summary>
    public static async Task<GameClient> ConnectAsync(string host, int port, CancellationToken cancellationToken = default)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(host, port, cancellationToken);
            var welcome = await ReadWelcomeAsync(socket, cancellationToken);
            return new GameClient(socket, welcome);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Sends a request and returns its reply; an ERROR reply throws <see cref="GameServerException"/>.</summary>
    /// <param name="messageJson">The request's message as JSON text, sent as is.</param>
    public async Task<ServerFrame> RequestAsync(string cmd, string messageJson, CancellationToken cancellationToken = default)
    {
        var id = Interlocked.Increment(ref _lastId);
        var reply = new TaskCompletionSource<ServerFrame>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = reply;
        try
        {
            await WriteAsync(cmd, messageJson, id.ToString(CultureInfo.InvariantCulture), cancellationToken);
            var frame = await reply.Task.WaitAsync(cancellationToken);
            return frame.Cmd == Commands.Error
                ? throw GameServerException.From(frame)
                : frame;
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    /// <summary>Sends a frame that expects no reply (RELAY, DIRECT).</summary>
    public Task SendAsync(string cmd, string messageJson, CancellationToken cancellationToken = default) =>
        WriteAsync(cmd, messageJson, id: null, cancellationToken);

    /// <summary>Frames the server sent on its own (and replies to requests sent without an id), in arrival order.</summary>
    public IAsyncEnumerable<ServerFrame> ReadPushesAsync(CancellationToken cancellationToken = default) =>
        _pushes.Reader.ReadAllAsync(cancellationToken);

    /// <summary>The next push, waiting at most <paramref name="timeout"/>.</summary>
    public async Task<ServerFrame> NextPushAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        return await _pushes.Reader.ReadAsync(cts.Token);
    }

    /// <summary>Measures one round trip with PING.</summary>
    public async Task<TimeSpan> PingAsync(CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.GetTimestamp();
        await RequestAsync(Commands.Ping, "null", cancellationToken);
        return Stopwatch.GetElapsedTime(started);
    }

    public Task<ServerFrame> HelloAsync(string name, CancellationToken cancellationToken = default) =>
        RequestAsync(Commands.Hello, JsonSerializer.Serialize(new { name }), cancellationToken);

    /// <summary>Joins a room; the reply's <c>members</c> lists everyone in it, this client included.</summary>
    public Task<ServerFrame> JoinAsync(string room, CancellationToken cancellationToken = default) =>
        RequestAsync(Commands.Join, JsonSerializer.Serialize(new { room }), cancellationToken);

    public Task<ServerFrame> LeaveAsync(string room, CancellationToken cancellationToken = default) =>
        RequestAsync(Commands.Leave, JsonSerializer.Serialize(new { room }), cancellationToken);

    public Task<ServerFrame> WhoAsync(string room, CancellationToken cancellationToken = default) =>
        RequestAsync(Commands.Who, JsonSerializer.Serialize(new { room }), cancellationToken);

    public Task<ServerFrame> RoomsAsync(CancellationToken cancellationToken = default) =>
        RequestAsync(Commands.Rooms, "{}", cancellationToken);

    /// <summary>Relays <paramref name="dataJson"/> to the other members of <paramref name="room"/>.</summary>
    public Task RelayAsync(string room, string dataJson, CancellationToken cancellationToken = default) =>
        SendAsync(Commands.Relay, $"{{\"room\":{JsonSerializer.Serialize(room)},\"data\":{dataJson}}}", cancellationToken);

    public Task DirectAsync(long toUserId, string dataJson, CancellationToken cancellationToken = default) =>
        SendAsync(Commands.Direct, $"{{\"to\":{toUserId},\"data\":{dataJson}}}", cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _closing.CancelAsync();
        _socket.Dispose();
        await _readLoop; // never throws: the loop records its failure for the readers instead

        _decoder.Dispose();
        _writeLock.Dispose();
        _closing.Dispose();
    }

    private async Task WriteAsync(string cmd, string messageJson, string? id, CancellationToken cancellationToken)
    {
        var json = id is null
            ? $"{{\"cmd\":{JsonSerializer.Serialize(cmd)},\"message\":{messageJson}}}"
            : $"{{\"cmd\":{JsonSerializer.Serialize(cmd)},\"message\":{messageJson},\"id\":{id}}}";
        var frame = FrameWriter.Frame(Encoding.UTF8.GetBytes(json));
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            await _socket.SendAsync(frame, cancellationToken);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async Task ReadLoopAsync()
    {
        var buffer = new byte[16 * 1024];
        Exception? failure = null;
        try
        {
            while (true)
            {
                var read = await _socket.ReceiveAsync(buffer, _closing.Token);
                if (read == 0)
                {
                    break;
                }

                _decoder.Feed(buffer.AsSpan(0, read));
                for (var decoded = _decoder.TryDecode(); !decoded.IsNeedMoreData; decoded = _decoder.TryDecode())
                {
                    if (decoded.Error is { } error)
                    {
                        throw new InvalidDataException($"the server sent a bad frame: {error.Code.ToWire()} {error.Detail}");
                    }

                    Dispatch(ServerFrame.From(decoded.Envelope!));
                }
            }
        }
        catch (Exception e) when (!_closing.IsCancellationRequested)
        {
            // A reset or a bad frame ends the connection; readers of pushes and pending requests see why.
            failure = e;
        }
        catch (Exception) when (_closing.IsCancellationRequested)
        {
            // DisposeAsync closed the socket under the pending receive.
        }
        finally
        {
            _pushes.Writer.TryComplete(failure);
            foreach (var pending in _pending.Values)
            {
                pending.TrySetException(new IOException("the connection closed before the reply arrived", failure));
            }
        }
    }

    private void Dispatch(ServerFrame frame)
    {
        if (frame.Id is { } id
            && long.TryParse(id.Utf8, NumberStyles.None, CultureInfo.InvariantCulture, out var requestId)
            && _pending.TryRemove(requestId, out var reply))
        {
            reply.TrySetResult(frame);
        }
        else
        {
            _pushes.Writer.TryWrite(frame);
        }
    }

    private static async Task<ServerFrame> ReadWelcomeAsync(Socket socket, CancellationToken cancellationToken)
    {
        // Read byte-exactly up to the end of the first frame, so nothing after it is consumed here.
        var header = new byte[FrameReader.HeaderSize];
        await ReceiveExactlyAsync(socket, header, cancellationToken);
        var payload = new byte[System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(header)];
        await ReceiveExactlyAsync(socket, payload, cancellationToken);
        var parsed = EnvelopeParser.Parse(payload, maxDepth: 256);
        var frame = parsed.Envelope is { } envelope ? ServerFrame.From(envelope) : throw new InvalidDataException(parsed.Error!.Detail);
        return frame.Cmd switch
        {
            Commands.Welcome => frame,
            Commands.Error => throw GameServerException.From(frame),
            _ => throw new InvalidDataException($"expected WELCOME, got {frame.Cmd}"),
        };
    }

    private static async Task ReceiveExactlyAsync(Socket socket, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        while (!buffer.IsEmpty)
        {
            var read = await socket.ReceiveAsync(buffer, cancellationToken);
            if (read == 0)
            {
                throw new IOException("the server closed the connection");
            }

            buffer = buffer[read..];
        }
    }
}
