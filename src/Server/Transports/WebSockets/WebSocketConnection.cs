using System.Buffers;
using System.Net;
using System.Net.WebSockets;
using ActorGameServer.Protocol;
using ActorGameServer.Server.Diagnostics;
using ActorGameServer.Server.Sessions;
using Akka.Actor;

namespace ActorGameServer.Server.Transports.WebSockets;

/// <summary>
/// A player on WebSocket. Each message, text or binary, carries exactly one JSON envelope; the
/// server sends each frame as one text message. A receive loop on the HTTP request's task reads
/// messages into a buffer of at most max-payload + 1 bytes and tells them to the client actor;
/// writes run one at a time, as the actor asks, and report back when sent. Every way the socket
/// ends is reported to the actor exactly once, by the receive loop.
/// <para>
/// The loop reads ahead of the actor by at most <see cref="MaxUntaken"/> messages (it waits until
/// the actor has taken one of them), and not at all while reading is suspended, so a client that
/// sends faster than its actor handles messages, or over its rate budget, waits in the kernel
/// instead of the mailbox: the same as TCP's pull mode.
/// </para>
/// </summary>
public sealed class WebSocketConnection : IClientConnection
{
    /// <summary>One whole message arrived.</summary>
    private sealed record MessageReceived(byte[] Payload);

    /// <summary>A message grew past max-payload; nothing more is read from it.</summary>
    private sealed class MessageTooLarge
    {
        public static readonly MessageTooLarge Instance = new();
    }

    private sealed class SendCompleted
    {
        public static readonly SendCompleted Instance = new();
    }

    private sealed class SendFailed
    {
        public static readonly SendFailed Instance = new();
    }

    /// <summary>The socket is gone: the peer's close frame, or an error or abort.</summary>
    private sealed record Ended(CloseReason Reason, string Detail);

    private readonly WebSocket _socket;
    private readonly int _maxPayload;
    private readonly int _maxJsonDepth;
    private readonly TimeSpan _closeTimeout;
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    // Set by Start (the actor's first write) or RunAsync (the receive loop), whichever runs first;
    // both set the same actor.
    private volatile IActorRef _actor = ActorRefs.Nobody;
    private object? _received; // What Interpret took in, for NextFrame.
    private Task _sending = Task.CompletedTask;
    // Once true, the receive loop reports how the socket ended; before, Abort does.
    private volatile bool _receiving;

    // What the receive loop may read, shared between it and the actor under _readLock.
    private readonly Lock _readLock = new();
    private int _untaken; // Messages told to the actor that it has not taken (interpreted) yet.
    private bool _readingSuspended;
    private bool _letGo; // The actor aborted or released the connection: read on, to the end.
    // What the loop waits on while it may not read; whoever makes reading possible again opens
    // it, under the lock, so the loop never waits on a gate nobody will open.
    private TaskCompletionSource? _readGate;
    private (CloseReason, string) _closedBy = (CloseReason.ConnectionLost, "");

    public WebSocketConnection(WebSocket socket, EndPoint remote, IPAddress clientAddress, int maxPayload, int maxJsonDepth, TimeSpan closeTimeout)
    {
        _socket = socket;
        Remote = remote;
        ClientAddress = clientAddress;
        _maxPayload = maxPayload;
        _maxJsonDepth = maxJsonDepth;
        _closeTimeout = closeTimeout;
    }

    public string Transport => "websocket";

    public EndPoint Remote { get; }

    public IPAddress ClientAddress { get; }

    public (CloseReason Reason, string Detail) ClosedBy => _closedBy;

    /// <summary>
    /// Runs for the life of the connection, on the HTTP request: reads messages for
    /// <paramref name="actor"/> until the socket ends, then waits until the actor has let go of
    /// the connection, so the request (and with it the TCP connection) ends only after that.
    /// </summary>
    public async Task RunAsync(IActorRef actor)
    {
        _actor = actor;
        _receiving = true;
        await ReceiveLoopAsync();
        await _released.Task;
    }

    /// <summary>
    /// Turns away a connection the registry refused: the ERROR frame, then a close with 1013 (try
    /// again later), waiting at most close-timeout for the client's answer.
    /// </summary>
    public async Task RejectAsync(ProtocolError error)
    {
        using var timeout = new CancellationTokenSource(_closeTimeout);
        try
        {
            await _socket.SendAsync(GameMetrics.ErrorFrame(error).Json, WebSocketMessageType.Text, endOfMessage: true, timeout.Token);
            await _socket.CloseAsync(TryAgainLater, error.Code.ToWire(), timeout.Token);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            _socket.Abort();
        }
    }

    // The actor may write (WELCOME) before the request learns it was admitted: its completions
    // must reach the actor from the first write on.
    public void Start(IActorContext context) => _actor = context.Self;

    public bool IsTransportActor(IActorRef sender) => false; // Its events come from no actor: they are told by its loops.

    public ConnectionEvent Interpret(object message)
    {
        switch (message)
        {
            case MessageReceived or MessageTooLarge:
                _received = message;
                // Taken in every state, so a closing connection still reads on to the close frame.
                UpdateReading(static connection => connection._untaken--);
                return ConnectionEvent.Received;
            case SendCompleted:
                return ConnectionEvent.Written;
            case SendFailed:
                return ConnectionEvent.WriteFailed;
            case Ended ended:
                _closedBy = (ended.Reason, ended.Detail);
                return ConnectionEvent.Closed;
            default:
                return ConnectionEvent.None;
        }
    }

    public Decoded NextFrame()
    {
        var received = _received;
        _received = null;
        switch (received)
        {
            case MessageReceived message:
                var parsed = EnvelopeParser.Parse(message.Payload, _maxJsonDepth);
                // Counted as the same frame on TCP would be, so the rate limits mean the same on both.
                return new Decoded(parsed.Envelope, parsed.Error) { FrameBytes = FrameReader.HeaderSize + message.Payload.Length };
            case MessageTooLarge:
                return new Decoded(null, new ProtocolError(ErrorCode.FrameTooLarge, $"a message longer than the maximum of {_maxPayload} bytes"));
            default:
                return Decoded.NeedMoreData;
        }
    }

    public void SuspendReading() => UpdateReading(static connection => connection._readingSuspended = true);

    public void ResumeReading() => UpdateReading(static connection => connection._readingSuspended = false);

    public void Write(IReadOnlyList<EncodedFrame> frames, int bytes) => _sending = SendAsync(frames);

    public void Close(CloseReason reason, ErrorCode? error)
    {
        var (status, description) = CloseStatusFor(reason, error);
        _sending = CloseOutputAsync(status, description);
    }

    public void Abort()
    {
        _socket.Abort();
        UpdateReading(static connection => connection._letGo = true); // A loop waiting to read finds the socket aborted and reports the end.
        if (!_receiving)
        {
            // No receive loop will report the end (the request gave up before running it): say it here,
            // or the actor would wait for a Closed that never comes.
            _actor.Tell(new Ended(CloseReason.ConnectionLost, "aborted"));
        }
    }

    public void Release()
    {
        UpdateReading(static connection => connection._letGo = true); // The actor takes nothing more; the loop must still see the end.
        if (_socket.State == WebSocketState.CloseReceived)
        {
            // The client closed first: answer its close frame, then let the request end.
            _ = AnswerCloseThenReleaseAsync();
            return;
        }

        if (_socket.State != WebSocketState.Closed)
        {
            _socket.Abort(); // The actor stopped for a reason of its own (a bug): the socket must not outlive it.
        }

        _released.TrySetResult();
    }

    /// <summary>The WebSocket close status for why the server closes, so browsers see the reason too.</summary>
    internal static (WebSocketCloseStatus Status, string Description) CloseStatusFor(CloseReason reason, ErrorCode? error) => (reason, error) switch
    {
        (_, ErrorCode.FrameTooLarge) => (WebSocketCloseStatus.MessageTooBig, "frame_too_large"),
        (_, ErrorCode.BadUtf8) => (WebSocketCloseStatus.InvalidPayloadData, "bad_utf8"),
        (_, { } code) => (WebSocketCloseStatus.PolicyViolation, code.ToWire()),
        (CloseReason.Shutdown, _) => (WebSocketCloseStatus.EndpointUnavailable, "shutdown"),
        (CloseReason.ServerError, _) => (WebSocketCloseStatus.InternalServerError, "server_error"),
        _ => (WebSocketCloseStatus.NormalClosure, ""),
    };

    private async Task ReceiveLoopAsync()
    {
        // One buffer per connection, reused for every message: max-payload + 1 bytes, so the byte
        // after the maximum is where an oversized message shows itself. Nothing larger is ever held.
        var limit = _maxPayload + 1;
        var buffer = ArrayPool<byte>.Shared.Rent(limit);
        var tooLarge = false;
        try
        {
            while (true)
            {
                if (ReadGate() is { } gate)
                {
                    // The actor is behind, or suspended reading (over the rate budget): the
                    // client's next messages wait in the kernel, and TCP flow control slows it.
                    await gate;
                    continue;
                }

                var count = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    // After an oversized message the connection is closing: what still arrives is
                    // read over the same bytes and dropped, until the client's close frame.
                    var into = tooLarge ? buffer.AsMemory(0, limit) : buffer.AsMemory(count, limit - count);
                    result = await _socket.ReceiveAsync(into, CancellationToken.None);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        _actor.Tell(new Ended(CloseReason.ClientClosed, DescribeClientClose()));
                        return;
                    }

                    count += result.Count;
                    if (!tooLarge && count > _maxPayload)
                    {
                        tooLarge = true;
                        TellMessage(MessageTooLarge.Instance);
                    }
                }
                while (!result.EndOfMessage);

                if (!tooLarge)
                {
                    TellMessage(new MessageReceived(buffer.AsSpan(0, count).ToArray()));
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            _actor.Tell(new Ended(CloseReason.ConnectionLost, e.Message));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Null when the loop may read the next message; otherwise what to wait for before asking again.</summary>
    private Task? ReadGate()
    {
        lock (_readLock)
        {
            return MayRead ? null : (_readGate ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        }
    }

    private bool MayRead => _letGo || (!_readingSuspended && _untaken < MaxUntaken);

    private void TellMessage(object message)
    {
        lock (_readLock)
        {
            _untaken++; // Before the actor can take it.
        }

        _actor.Tell(message);
    }

    /// <summary>Changes what the loop may read, and lets a waiting loop go on if it now may.</summary>
    /// <param name="change">Static, so the call allocates nothing (it runs once per message).</param>
    private void UpdateReading(Action<WebSocketConnection> change)
    {
        TaskCompletionSource? opened = null;
        lock (_readLock)
        {
            change(this);
            if (MayRead)
            {
                (opened, _readGate) = (_readGate, null);
            }
        }

        opened?.TrySetResult();
    }

    private string DescribeClientClose() =>
        _socket.CloseStatus is { } status ? $"close status {(int)status}{(string.IsNullOrEmpty(_socket.CloseStatusDescription) ? "" : $" {_socket.CloseStatusDescription}")}" : "";

    private async Task SendAsync(IReadOnlyList<EncodedFrame> frames)
    {
        try
        {
            // The actor leaves the list untouched until it hears SendCompleted.
            for (var i = 0; i < frames.Count; i++)
            {
                await _socket.SendAsync(frames[i].Json, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
            }

            _actor.Tell(SendCompleted.Instance);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            _actor.Tell(SendFailed.Instance);
        }
    }

    private async Task CloseOutputAsync(WebSocketCloseStatus status, string description)
    {
        try
        {
            // The actor's close-timeout aborts the socket if the client never answers; this bound
            // only keeps the send of the close frame itself from hanging on a client that stopped reading.
            using var timeout = new CancellationTokenSource(_closeTimeout);
            await _socket.CloseOutputAsync(status, description, timeout.Token);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            _socket.Abort();
        }
    }

    private async Task AnswerCloseThenReleaseAsync()
    {
        try
        {
            await _sending; // A write may still be on its way; a close frame must not interleave with it.
            using var timeout = new CancellationTokenSource(_closeTimeout);
            await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", timeout.Token);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            _socket.Abort();
        }
        finally
        {
            _released.TrySetResult();
        }
    }

    // How many messages the loop may read ahead of the actor: two keep the loop reading while the
    // actor handles the message before, so a player who sends at its own pace never waits here.
    private const int MaxUntaken = 2;

    // RFC 6455's registry: 1013 Try Again Later (not in the WebSocketCloseStatus enum).
    private const WebSocketCloseStatus TryAgainLater = (WebSocketCloseStatus)1013;
}
