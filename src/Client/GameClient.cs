using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using ActorGameServer.Client.Transports;
using ActorGameServer.Protocol;

namespace ActorGameServer.Client;

/// <summary>
/// A connection to ActorGameServer. Requests get an id and their reply is awaited
/// (<see cref="RequestAsync"/>); everything else the server sends (PRESENCE, RELAY, DIRECT,
/// SHUTDOWN, NOTICE, an ERROR that answers no request such as kicked, ...) comes out of
/// <see cref="ReadPushesAsync"/> in the order it arrived.
/// </summary>
/// <remarks>
/// One connection: it does not reconnect by itself. <see cref="ReconnectingGameClient"/> does, on
/// top of it (resume first, a fresh session in the same rooms when that is refused). By hand: when
/// the server has resume on, a game that lost its connection connects a new client and calls
/// <see cref="ResumeAsync"/> with the old client's <see cref="SessionToken"/> before any other
/// request: it is the same player again, in the same rooms, and the pushes it missed come out of
/// <see cref="ReadPushesAsync"/> first. The others in its rooms get PRESENCE <c>away</c> and
/// <c>back</c> pushes meanwhile.
/// </remarks>
public sealed class GameClient : IAsyncDisposable
{
    /// <summary>
    /// The largest frame (TCP) or message (WebSocket) accepted from the server, in bytes. Anything
    /// larger fails the connection with <see cref="InvalidDataException"/> before it is buffered.
    /// </summary>
    public const int MaxFrameBytes = 16 * 1024 * 1024;

    /// <summary>How deeply the server's JSON may nest.</summary>
    internal const int MaxJsonDepth = 256;

    /// <summary>How long <see cref="DisposeAsync"/> waits for the goodbye (the WebSocket close handshake).</summary>
    private static readonly TimeSpan GoodbyeTimeout = TimeSpan.FromSeconds(1);

    private readonly ITransport _transport;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ConcurrentDictionary<long, TaskCompletionSource<ServerFrame>> _pending = new();
    private readonly Channel<ServerFrame> _pushes = Channel.CreateUnbounded<ServerFrame>(new UnboundedChannelOptions { SingleWriter = true });
    private readonly CancellationTokenSource _closing = new();
    private readonly Task _readLoop;
    private long _lastId;

    // 1 once the read loop stopped and failed the pending requests: a request added after that
    // would wait for a reply nobody reads.
    private int _closed;

    private GameClient(ITransport transport, ServerFrame welcome)
    {
        _transport = transport;
        UserId = welcome.Message.GetProperty("user_id").GetInt64();
        if (welcome.Message.TryGetProperty("session", out var session) && session.ValueKind == JsonValueKind.String)
        {
            SessionToken = session.GetString();
            ResumeWindow = TimeSpan.FromMilliseconds(welcome.Message.GetProperty("resume_window_ms").GetInt64());
        }

        MaxPayload = welcome.Message.GetProperty("max_payload").GetInt32();
        ServerVersion = welcome.Message.GetProperty("version").GetString() ?? "";
        _readLoop = Task.Run(ReadLoopAsync);
    }

    /// <summary>WELCOME's user id, or the resumed player's after <see cref="ResumeAsync"/>.</summary>
    public long UserId { get; private set; }

    /// <summary>
    /// The token that resumes this player's session after the connection drops: WELCOME's, then
    /// the last RESUMED's (a token works once). Null when the server has resume off, and after
    /// <see cref="ByeAsync"/>. A secret: never show or log it.
    /// </summary>
    public string? SessionToken { get; private set; }

    /// <summary>How long the server keeps a dropped session for <see cref="ResumeAsync"/>; null when resume is off.</summary>
    public TimeSpan? ResumeWindow { get; private set; }

    public int MaxPayload { get; }

    public string ServerVersion { get; }

    /// <summary>Connects over TCP (length-prefixed frames) and waits for WELCOME.</summary>
    public static async Task<GameClient> ConnectAsync(string host, int port, CancellationToken cancellationToken = default) =>
        await WelcomedAsync(await TcpTransport.ConnectAsync(host, port, MaxFrameBytes, cancellationToken), cancellationToken);

    /// <summary>
    /// Connects over WebSocket (<c>ws://host:port/ws</c> or <c>wss://</c>) and waits for WELCOME.
    /// The server's close ends <see cref="ReadPushesAsync"/>: cleanly for 1000 or 1001 (after
    /// SHUTDOWN), with an <see cref="IOException"/> naming the status for any other (1008 after an
    /// ERROR that closes the connection, for instance).
    /// </summary>
    public static Task<GameClient> ConnectAsync(Uri url, CancellationToken cancellationToken = default) =>
        ConnectAsync(url, configure: null, cancellationToken);

    /// <summary>
    /// Connects over WebSocket and waits for WELCOME; <paramref name="configure"/> sets headers,
    /// certificates, a proxy or the keep-alive interval before the handshake.
    /// </summary>
    public static async Task<GameClient> ConnectAsync(Uri url, Action<ClientWebSocketOptions>? configure, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (url.Scheme != Uri.UriSchemeWs && url.Scheme != Uri.UriSchemeWss)
        {
            throw new ArgumentException($"expected a ws:// or wss:// URL, not {url}; use ConnectAsync(host, port) for TCP", nameof(url));
        }

        return await WelcomedAsync(await WebSocketTransport.ConnectAsync(url, configure, MaxFrameBytes, cancellationToken), cancellationToken);
    }

    /// <summary>Sends a request and returns its reply; an ERROR reply throws <see cref="GameServerException"/>.</summary>
    /// <remarks>
    /// Over the server's rate limit, only the first dropped request in a second is answered
    /// (rate_limited); the others get no reply at all, so a client that may send that fast should
    /// pass a <paramref name="cancellationToken"/> that gives up after a while.
    /// </remarks>
    /// <param name="messageJson">The request's message as JSON text, sent as is.</param>
    public async Task<ServerFrame> RequestAsync(string cmd, string messageJson, CancellationToken cancellationToken = default)
    {
        var id = Interlocked.Increment(ref _lastId);
        var reply = new TaskCompletionSource<ServerFrame>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = reply;
        try
        {
            // A full fence on both sides (the read loop sets the flag before it fails the pending
            // requests): either it sees this request, or this sees the flag.
            if (Interlocked.CompareExchange(ref _closed, 0, 0) != 0)
            {
                throw new IOException("the connection is closed");
            }

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

    /// <summary>
    /// Signs in with <paramref name="token"/> (a JWT from your login service) on a server with
    /// sign-in on; HELLO_OK then carries <c>account</c>. Without <paramref name="name"/>, the
    /// token's <c>name</c> claim names the player. An invalid token is answered ERROR bad_token.
    /// </summary>
    public Task<ServerFrame> HelloAsync(string? name, string? token, CancellationToken cancellationToken = default)
    {
        var hello = new Dictionary<string, string>(2);
        if (name is not null)
        {
            hello["name"] = name;
        }

        if (token is not null)
        {
            hello["token"] = token;
        }

        return RequestAsync(Commands.Hello, JsonSerializer.Serialize(hello), cancellationToken);
    }

    /// <summary>Joins a room; the reply's <c>members</c> lists everyone in it, this client included.</summary>
    public Task<ServerFrame> JoinAsync(string room, CancellationToken cancellationToken = default) =>
        RequestAsync(Commands.Join, RequestMessages.Room(room), cancellationToken);

    public Task<ServerFrame> LeaveAsync(string room, CancellationToken cancellationToken = default) =>
        RequestAsync(Commands.Leave, RequestMessages.Room(room), cancellationToken);

    public Task<ServerFrame> WhoAsync(string room, CancellationToken cancellationToken = default) =>
        RequestAsync(Commands.Who, RequestMessages.Room(room), cancellationToken);

    public Task<ServerFrame> RoomsAsync(CancellationToken cancellationToken = default) =>
        RequestAsync(Commands.Rooms, "{}", cancellationToken);

    /// <summary>Relays <paramref name="dataJson"/> to the other members of <paramref name="room"/>.</summary>
    public Task RelayAsync(string room, string dataJson, CancellationToken cancellationToken = default) =>
        SendAsync(Commands.Relay, RequestMessages.Relay(room, dataJson), cancellationToken);

    public Task DirectAsync(long toUserId, string dataJson, CancellationToken cancellationToken = default) =>
        SendAsync(Commands.Direct, RequestMessages.Direct(toUserId, dataJson), cancellationToken);

    /// <summary>
    /// Takes back the session of <paramref name="sessionToken"/> (an earlier client's
    /// <see cref="SessionToken"/>). Call it first, before any other request on this client: on
    /// success this client is that player (<see cref="UserId"/>, its rooms, a new
    /// <see cref="SessionToken"/>) and the <see cref="ResumedSession.Missed"/> pushes it missed
    /// come out of <see cref="ReadPushesAsync"/> before anything live. When no session waits for
    /// the token (window over, used, another server), it throws <see cref="GameServerException"/>
    /// <c>bad_session</c> and this client goes on as the fresh player of its WELCOME: join again.
    /// </summary>
    public async Task<ResumedSession> ResumeAsync(string sessionToken, CancellationToken cancellationToken = default)
    {
        var reply = await RequestAsync(Commands.Resume, JsonSerializer.Serialize(new { session = sessionToken }), cancellationToken);
        var message = reply.Message;
        var resumed = new ResumedSession(
            message.GetProperty("user_id").GetInt64(),
            message.GetProperty("name").GetString() ?? "",
            [.. message.GetProperty("rooms").EnumerateArray().Select(room => room.GetString() ?? "")],
            message.GetProperty("missed").GetInt32(),
            message.GetProperty("session").GetString() ?? "");
        UserId = resumed.UserId;
        SessionToken = resumed.SessionToken;
        return resumed;
    }

    /// <summary>
    /// Leaves for good: sends BYE, so the server ends the session at once (the rooms see PRESENCE
    /// <c>left</c>, not <c>away</c>, and the token resumes nothing), and waits, at most
    /// a second, for the server to close the connection. Dispose the client after it.
    /// </summary>
    public async Task ByeAsync(CancellationToken cancellationToken = default)
    {
        SessionToken = null;
        await SendAsync(Commands.Bye, "{}", cancellationToken);
        try
        {
            await _readLoop.WaitAsync(GoodbyeTimeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            // The server did not close in time; DisposeAsync closes from this side.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await SayGoodbyeAsync();
        await _closing.CancelAsync(); // Stops the read loop if the goodbye did not.
        await _readLoop; // never throws: the loop records its failure for the readers instead

        await _transport.DisposeAsync();
        _writeLock.Dispose();
        _closing.Dispose();
    }

    private async Task WriteAsync(string cmd, string messageJson, string? id, CancellationToken cancellationToken)
    {
        var json = id is null
            ? $"{{\"cmd\":{JsonSerializer.Serialize(cmd)},\"message\":{messageJson}}}"
            : $"{{\"cmd\":{JsonSerializer.Serialize(cmd)},\"message\":{messageJson},\"id\":{id}}}";
        var bytes = Encoding.UTF8.GetBytes(json);
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            await _transport.SendAsync(bytes, cancellationToken);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async Task ReadLoopAsync()
    {
        Exception? failure = null;
        try
        {
            while (await _transport.ReceiveAsync(_closing.Token) is { } envelope)
            {
                Dispatch(ServerFrame.From(envelope));
            }
        }
        catch (Exception e) when (!_closing.IsCancellationRequested)
        {
            // A reset or a bad frame ends the connection; readers of pushes and pending requests see why.
            failure = e;
            _transport.Abort(); // A stream that broke the framing is closed, never resynchronised.
        }
        catch (Exception) when (_closing.IsCancellationRequested)
        {
            // DisposeAsync closed the socket under the pending receive.
        }
        finally
        {
            Interlocked.Exchange(ref _closed, 1);
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

    /// <summary>Waits for WELCOME on a fresh connection; the connection is closed when anything else comes.</summary>
    private static async Task<GameClient> WelcomedAsync(ITransport transport, CancellationToken cancellationToken)
    {
        try
        {
            var envelope = await transport.ReceiveAsync(cancellationToken)
                ?? throw new IOException("the server closed the connection before WELCOME");
            var frame = ServerFrame.From(envelope);
            return frame.Cmd switch
            {
                Commands.Welcome => new GameClient(transport, frame),
                Commands.Error => throw GameServerException.From(frame),
                _ => throw new InvalidDataException($"expected WELCOME, got {frame.Cmd}"),
            };
        }
        catch
        {
            await transport.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Best effort, bounded: starts the transport's close handshake, if it has one, and waits for
    /// the server's answer to end the read loop. A pending write or a deaf server cannot hold up
    /// disposal longer than <see cref="GoodbyeTimeout"/>.
    /// </summary>
    private async Task SayGoodbyeAsync()
    {
        using var timeout = new CancellationTokenSource(GoodbyeTimeout);
        try
        {
            bool answerExpected;
            await _writeLock.WaitAsync(timeout.Token);
            try
            {
                answerExpected = await _transport.SayGoodbyeAsync(timeout.Token);
            }
            finally
            {
                _writeLock.Release();
            }

            if (answerExpected)
            {
                await _readLoop.WaitAsync(timeout.Token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or WebSocketException or ObjectDisposedException)
        {
            // The connection is going away regardless.
        }
    }
}
