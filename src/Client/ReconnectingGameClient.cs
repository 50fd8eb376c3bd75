using System.Text.Json;
using System.Threading.Channels;
using ActorGameServer.Protocol;

namespace ActorGameServer.Client;

/// <summary>
/// A player that stays connected: a <see cref="GameClient"/> per connection, and a new one, taking
/// the session back, whenever the connection drops. The game sees one client with one push stream
/// (<see cref="ReadPushesAsync"/>) across connections, and events for what happened in between.
/// </summary>
/// <remarks>
/// <para>
/// <b>Connecting.</b> Create it, attach handlers, then <see cref="ConnectAsync"/>: it connects
/// (TCP or WebSocket) and, when <see cref="ReconnectingGameClientOptions.Name"/> or
/// <see cref="ReconnectingGameClientOptions.SignInToken"/> is set, signs in with HELLO. A first
/// connection that fails throws; reconnecting is only for connections that worked.
/// </para>
/// <para>
/// <b>After a drop</b> (the connection broke, the server closed it, or a heartbeat PING went
/// unanswered) the client is <see cref="ConnectionState.Reconnecting"/>: it waits (exponential
/// backoff with jitter), connects, and sends RESUME with the session token before anything else.
/// <list type="bullet">
/// <item>RESUMED: it is the same player in the same rooms; <see cref="Resumed"/> is raised, then the
/// pushes it missed come out of <see cref="ReadPushesAsync"/> in their original order, once each,
/// then live traffic. The others in its rooms saw PRESENCE <c>away</c>, then <c>back</c>.</item>
/// <item>Refused (<c>bad_session</c>: the server's resume window ran out, the server restarted,
/// another node), or nothing to resume (resume off, or after SHUTDOWN): it goes on as the fresh
/// player of the new connection, signs in again as configured, joins the rooms it was in again,
/// and raises <see cref="SessionLost"/>: the user id changed, and the others saw it leave and
/// join.</item>
/// </list>
/// Each attempt that fails (no connection, <c>server_full</c>, no answer within
/// <see cref="ReconnectingGameClientOptions.AttemptTimeout"/>) waits longer before the next; after
/// <see cref="ReconnectingGameClientOptions.MaxReconnectAttempts"/> it gives up.
/// </para>
/// <para>
/// <b>When it does not reconnect.</b> After <see cref="DisposeAsync"/> (the server keeps the session
/// for its resume window, as for any drop) and <see cref="ByeAsync"/> (the session ends at once).
/// After an ERROR <c>kicked</c> or <c>replaced</c>: the server ended the session on purpose, and
/// coming back would undo an administrator's kick or take the account back from the connection that
/// replaced this one. After SHUTDOWN it does reconnect, not before the server's
/// <c>reconnect_after_ms</c>, as a fresh session (SHUTDOWN ends the session), unless
/// <see cref="ReconnectingGameClientOptions.ReconnectAfterShutdown"/> is off. A sign-in refused on
/// a fresh session (<c>bad_token</c>: say, an expired token; keep <see cref="SignInToken"/> fresh)
/// stops it too. Then it is <see cref="ConnectionState.Disconnected"/> for good.
/// </para>
/// <para>
/// <b>Rooms.</b> It remembers the rooms from the server's answers: JOINED and LEFT, whether from
/// <see cref="JoinAsync"/>, <see cref="RequestAsync"/> or a frame sent without an id, and the
/// room list of RESUMED, which is the server's word after a resume.
/// </para>
/// <para>
/// <b>Requests</b> go to the current connection. While there is none they fail at once with an
/// <see cref="IOException"/>, as does a request whose connection drops before its reply: nothing
/// is queued or sent again on the next connection (a relay from before a drop would be stale by
/// then). Only the rooms and the sign-in carry over, as above.
/// </para>
/// <para>
/// <b>Threads.</b> Every member may be called from any thread, concurrently. Events are raised one
/// at a time, in the order things happened, on the client's own background loop (a thread-pool
/// thread, not the caller's synchronization context; the first <see cref="StateChanged"/>, to
/// <see cref="ConnectionState.Connected"/>, comes just after <see cref="ConnectAsync"/> returns).
/// Against the push stream: <see cref="StateChanged"/> to <see cref="ConnectionState.Connected"/>,
/// then <see cref="Resumed"/> or <see cref="SessionLost"/>, are raised before any push of the new
/// connection is passed on, and <see cref="Away"/> and <see cref="Back"/> just before their
/// PRESENCE push is; <see cref="ReadPushesAsync"/> ends only after the last
/// <see cref="StateChanged"/>, to <see cref="ConnectionState.Disconnected"/>. An event raised after
/// a push was passed on (<see cref="ConnectionState.Reconnecting"/> after the old connection's last
/// pushes) may still reach its handler before the game's loop reads that push. Keep handlers
/// short, and never block in one on this client (a request, <see cref="DisposeAsync"/>): while a
/// handler runs, no push is passed on and the loop waits. A handler that throws stops the client:
/// it is <see cref="ConnectionState.Disconnected"/> and <see cref="ReadPushesAsync"/> throws that
/// exception.
/// </para>
/// </remarks>
public sealed class ReconnectingGameClient : IAsyncDisposable
{
    private readonly Func<CancellationToken, Task<GameClient>> _connect;
    private readonly ReconnectingGameClientOptions _options;
    private readonly Channel<ServerFrame> _pushes = Channel.CreateUnbounded<ServerFrame>(new UnboundedChannelOptions { SingleWriter = true });

    // Cancelled by DisposeAsync and ByeAsync: the loop stops at its next await. Never disposed, so
    // a call racing with DisposeAsync cannot meet an ObjectDisposedException from it; it has no timer.
    private readonly CancellationTokenSource _stopping = new();

    // Guards _rooms, _name, _signInToken, and connecting or disposing.
    private readonly Lock _gate = new();
    private readonly List<string> _rooms = [];
    private string? _name;
    private string? _signInToken;
    private bool _connecting;
    private bool _disposed;
    private Task? _run;

    // The connection requests go to: set while Connected, null otherwise.
    private volatile GameClient? _current;
    private volatile ConnectionState _state = ConnectionState.Disconnected;
    private volatile bool _leaving;
    private long _userId;

    /// <summary>A client that will connect over TCP (length-prefixed frames) to <paramref name="host"/>:<paramref name="port"/>.</summary>
    public ReconnectingGameClient(string host, int port, ReconnectingGameClientOptions? options = null)
        : this(options, cancellationToken => GameClient.ConnectAsync(host, port, cancellationToken))
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(port);
    }

    /// <summary>A client that will connect over WebSocket to <paramref name="url"/> (<c>ws://host:port/ws</c> or <c>wss://</c>).</summary>
    public ReconnectingGameClient(Uri url, ReconnectingGameClientOptions? options = null)
        : this(options, cancellationToken => GameClient.ConnectAsync(url, options?.ConfigureWebSocket, cancellationToken))
    {
        ArgumentNullException.ThrowIfNull(url);
        if (url.Scheme != Uri.UriSchemeWs && url.Scheme != Uri.UriSchemeWss)
        {
            throw new ArgumentException($"expected a ws:// or wss:// URL, not {url}; use the host and port constructor for TCP", nameof(url));
        }
    }

    private ReconnectingGameClient(
        ReconnectingGameClientOptions? options,
        Func<CancellationToken, Task<GameClient>> connect)
    {
        _options = options ?? new ReconnectingGameClientOptions();
        _options.Validate();
        _connect = connect;
        _name = _options.Name;
        _signInToken = _options.SignInToken;
    }

    /// <summary>The client went <see cref="ConnectionState.Connected"/>, <see cref="ConnectionState.Reconnecting"/> or <see cref="ConnectionState.Disconnected"/>.</summary>
    public event EventHandler<ConnectionStateChange>? StateChanged;

    /// <summary>A reconnect took the session back: the missed pushes come next out of <see cref="ReadPushesAsync"/>.</summary>
    public event EventHandler<ResumedSession>? Resumed;

    /// <summary>A reconnect could not take the session back: this is a new player, in the rooms listed.</summary>
    public event EventHandler<LostSession>? SessionLost;

    /// <summary>PRESENCE <c>away</c>: a member of one of this player's rooms lost its connection and may resume.</summary>
    public event EventHandler<MemberPresence>? Away;

    /// <summary>PRESENCE <c>back</c>: that member resumed. If it does not, PRESENCE <c>left</c> comes at the end of its window.</summary>
    public event EventHandler<MemberPresence>? Back;

    public ConnectionState State => _state;

    /// <summary>The player's user id: WELCOME's, the same after a resume, a new one after <see cref="SessionLost"/>. 0 before connecting.</summary>
    public long UserId => Volatile.Read(ref _userId);

    /// <summary>The rooms this player is in as the server last said, in the order they were joined.</summary>
    public IReadOnlyList<string> Rooms
    {
        get
        {
            lock (_gate)
            {
                return [.. _rooms];
            }
        }
    }

    /// <summary>
    /// The sign-in token the next fresh session signs in with: the options' at first, then the last
    /// one <see cref="HelloAsync(string?, string?, CancellationToken)"/> sent. Set it when your
    /// login service refreshes the token, so that a reconnect long after the first sign-in does
    /// not send an expired one. A secret: never show or log it.
    /// </summary>
    public string? SignInToken
    {
        get
        {
            lock (_gate)
            {
                return _signInToken;
            }
        }

        set
        {
            lock (_gate)
            {
                _signInToken = value;
            }
        }
    }

    /// <summary>
    /// Connects, waits for WELCOME, and signs in when the options say so. Throws what the first
    /// connection failed with (the client stays <see cref="ConnectionState.Disconnected"/> and may
    /// try again); once it returns, the client is <see cref="ConnectionState.Connected"/> and keeps
    /// itself connected until it is disposed or stopped.
    /// </summary>
    public async Task ConnectAsync(CancellationToken cancellationToken = default)
    {
        string? name;
        string? token;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_connecting || _run is not null)
            {
                throw new InvalidOperationException("ConnectAsync was called already: the client reconnects by itself");
            }

            _connecting = true;
            name = _name;
            token = _signInToken;
        }

        GameClient? client = null;
        try
        {
            using var connecting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
            client = await _connect(connecting.Token);
            if (name is not null || token is not null)
            {
                await client.HelloAsync(name, token, connecting.Token);
            }

            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                Volatile.Write(ref _userId, client.UserId);
                _current = client;
                _state = ConnectionState.Connected;
                var connected = client;
                _run = Task.Run(() => RunAsync(connected));
                client = null; // The loop owns it now.
            }
        }
        finally
        {
            lock (_gate)
            {
                _connecting = false;
            }

            if (client is not null)
            {
                await client.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// Sends a request on the current connection and returns its reply; an ERROR reply throws
    /// <see cref="GameServerException"/>. No connection, or one that drops before the reply,
    /// throws <see cref="IOException"/>. JOINED and LEFT replies update <see cref="Rooms"/>.
    /// </summary>
    public async Task<ServerFrame> RequestAsync(string cmd, string messageJson, CancellationToken cancellationToken = default)
    {
        var client = Live();
        var reply = await Guarded(client, client.RequestAsync(cmd, messageJson, cancellationToken));
        Remember(reply);
        return reply;
    }

    /// <summary>Sends a frame that expects no reply (RELAY, DIRECT) on the current connection; <see cref="IOException"/> when there is none.</summary>
    public Task SendAsync(string cmd, string messageJson, CancellationToken cancellationToken = default)
    {
        var client = Live();
        return Guarded(client, client.SendAsync(cmd, messageJson, cancellationToken));
    }

    /// <summary>
    /// The frames the server sent on its own, across connections, in arrival order (see
    /// <see cref="GameClient.ReadPushesAsync"/>). It ends when the client stops for good: cleanly
    /// after a dispose or BYE, or when the server ended the session (the ERROR <c>kicked</c> or
    /// <c>replaced</c>, or the SHUTDOWN, is then the last push); with the exception that stopped it
    /// otherwise (an <see cref="IOException"/> when it gave up reconnecting).
    /// </summary>
    public IAsyncEnumerable<ServerFrame> ReadPushesAsync(CancellationToken cancellationToken = default) =>
        _pushes.Reader.ReadAllAsync(cancellationToken);

    /// <summary>The next push, waiting at most <paramref name="timeout"/>.</summary>
    public async Task<ServerFrame> NextPushAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        return await _pushes.Reader.ReadAsync(cts.Token);
    }

    /// <summary>Measures one round trip with PING.</summary>
    public Task<TimeSpan> PingAsync(CancellationToken cancellationToken = default)
    {
        var client = Live();
        return Guarded(client, client.PingAsync(cancellationToken));
    }

    /// <summary>Renames the player; a fresh session after a lost one signs in with this name.</summary>
    public Task<ServerFrame> HelloAsync(string name, CancellationToken cancellationToken = default) =>
        HelloAsync(name, token: null, cancellationToken);

    /// <summary>
    /// Signs in (see <see cref="GameClient.HelloAsync(string?, string?, CancellationToken)"/>). Once
    /// accepted, a fresh session after a lost one signs in the same way: with this name when given,
    /// and with this token when given (else the previous ones).
    /// </summary>
    public async Task<ServerFrame> HelloAsync(string? name, string? token, CancellationToken cancellationToken = default)
    {
        var client = Live();
        var reply = await Guarded(client, client.HelloAsync(name, token, cancellationToken));
        lock (_gate)
        {
            _name = name ?? _name;
            _signInToken = token ?? _signInToken;
        }

        return reply;
    }

    /// <summary>Joins a room, which the client then joins again on a fresh session after a lost one.</summary>
    public Task<ServerFrame> JoinAsync(string room, CancellationToken cancellationToken = default) =>
        RequestAsync(Commands.Join, RequestMessages.Room(room), cancellationToken);

    /// <summary>Leaves a room, which the client then forgets.</summary>
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
    /// Leaves for good: sends BYE when connected (the rooms see PRESENCE <c>left</c> at once, not
    /// <c>away</c>) and stops reconnecting; the client is <see cref="ConnectionState.Disconnected"/>
    /// when it returns. While reconnecting there is no connection to send BYE on: it only stops, and
    /// the server ends the session when its resume window runs out. Dispose the client after it.
    /// </summary>
    public async Task ByeAsync(CancellationToken cancellationToken = default)
    {
        Task? run;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            run = _run;
        }

        _leaving = true;
        if (_current is { } client)
        {
            try
            {
                await client.ByeAsync(cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The connection went first: leaving is what was wanted anyway.
            }
        }

        await _stopping.CancelAsync();
        if (run is not null)
        {
            await run.WaitAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Stops: closes the connection, or the reconnect under way, and does not come back. Without
    /// <see cref="ByeAsync"/> first, the server takes it as a drop and keeps the session for its
    /// resume window (the rooms see <c>away</c>, then <c>left</c>).
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        Task? run;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            run = _run;
        }

        await _stopping.CancelAsync();
        if (run is not null)
        {
            await run; // never throws: the loop records its failure for the readers instead
        }
        else
        {
            _pushes.Writer.TryComplete();
        }
    }

    /// <summary>The current connection, or why there is none.</summary>
    private GameClient Live()
    {
        if (_current is { } client)
        {
            return client;
        }

        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
        }

        throw new IOException($"not connected to the server ({_state})");
    }

    /// <summary>
    /// A call on <paramref name="client"/>, whose connection may have been disposed under it by the
    /// loop after a drop: that is the same dropped connection as any other, so it is an IOException.
    /// </summary>
    private async Task<T> Guarded<T>(GameClient client, Task<T> call)
    {
        try
        {
            return await call;
        }
        catch (ObjectDisposedException e) when (!ReferenceEquals(client, _current))
        {
            throw new IOException("the connection dropped before the request was sent", e);
        }
    }

    private async Task Guarded(GameClient client, Task call)
    {
        try
        {
            await call;
        }
        catch (ObjectDisposedException e) when (!ReferenceEquals(client, _current))
        {
            throw new IOException("the connection dropped before the frame was sent", e);
        }
    }

    /// <summary>JOINED and LEFT, from a reply or a push, say which rooms the player is in.</summary>
    private void Remember(ServerFrame frame)
    {
        if (frame.Cmd is not (Commands.Joined or Commands.Left)
            || frame.Message.ValueKind != JsonValueKind.Object
            || !frame.Message.TryGetProperty("room", out var room)
            || room.GetString() is not { } name)
        {
            return;
        }

        lock (_gate)
        {
            if (frame.Cmd == Commands.Left)
            {
                _rooms.Remove(name);
            }
            else if (!_rooms.Contains(name))
            {
                _rooms.Add(name);
            }
        }
    }

    /// <summary>
    /// The client's life after <see cref="ConnectAsync"/>: serves a connection until it ends, then
    /// reconnects, until stopped. Never throws: how it stopped goes to the state and the readers.
    /// </summary>
    private async Task RunAsync(GameClient first)
    {
        GameClient? live = first;
        Exception? failure = null;
        var pushesEndCleanly = true;
        var backoff = new Backoff(_options.MinReconnectDelay, _options.MaxReconnectDelay);
        try
        {
            StateChanged?.Invoke(this, new ConnectionStateChange(ConnectionState.Connected, null));
            while (true)
            {
                var end = await ServeAsync(live);
                var (token, userId) = (live.SessionToken, live.UserId);
                _current = null;
                await live.DisposeAsync();
                live = null;
                if (_stopping.IsCancellationRequested || _leaving)
                {
                    break;
                }

                if (end.EndedBy is { } ended)
                {
                    failure = ended; // kicked or replaced: the push stream has the ERROR already
                    break;
                }

                var freshBecause = token is null ? "the server has resume off" : null;
                if (end.Shutdown is { } shutdown)
                {
                    if (!_options.ReconnectAfterShutdown)
                    {
                        failure = new IOException($"the server shut down: {shutdown.Reason}", end.Error);
                        break;
                    }

                    token = null; // SHUTDOWN ended the session: a RESUME would only be refused.
                    freshBecause = $"the server shut down: {shutdown.Reason}";
                    backoff.HonorServerHint(shutdown.ReconnectAfter);
                }

                _state = ConnectionState.Reconnecting;
                StateChanged?.Invoke(this, new ConnectionStateChange(ConnectionState.Reconnecting, end.Error));
                var (client, resumed, lost) = await ReconnectAsync(backoff, token, userId, freshBecause);
                live = client;
                backoff.Reset();
                lock (_gate)
                {
                    _rooms.Clear();
                    _rooms.AddRange(resumed?.Rooms ?? lost!.Rooms);
                }

                Volatile.Write(ref _userId, client.UserId);
                _current = client;
                _state = ConnectionState.Connected;
                StateChanged?.Invoke(this, new ConnectionStateChange(ConnectionState.Connected, null));
                if (resumed is not null)
                {
                    Resumed?.Invoke(this, resumed);
                }
                else
                {
                    SessionLost?.Invoke(this, lost!);
                }
            }
        }
        catch (Exception) when (_stopping.IsCancellationRequested)
        {
            // Disposed or BYE: stopping is what was asked, whatever the cancellation broke on its way.
        }
        catch (SignInRefusedException refused)
        {
            failure = refused.InnerException;
            pushesEndCleanly = false;
        }
        catch (Exception e)
        {
            // Gave up reconnecting, or a handler threw.
            failure = e;
            pushesEndCleanly = false;
        }
        finally
        {
            _current = null;
            if (live is not null)
            {
                await live.DisposeAsync();
            }

            _state = ConnectionState.Disconnected;
            try
            {
                StateChanged?.Invoke(this, new ConnectionStateChange(ConnectionState.Disconnected, failure));
            }
            catch (Exception)
            {
                // Nothing is left for the handler's exception to stop, and nobody awaits the loop's result.
            }
            finally
            {
                // After the event: a game whose push loop ended finds the client Disconnected, and why.
                _pushes.Writer.TryComplete(pushesEndCleanly ? null : failure);
            }
        }
    }

    /// <summary>
    /// Passes the connection's pushes on (and on the way raises Away and Back, remembers rooms, and
    /// notes SHUTDOWN, kicked or replaced) until it ends: closed, broken, dead to the heartbeat, or
    /// stopped. A handler's exception goes through.
    /// </summary>
    private async Task<ConnectionEnd> ServeAsync(GameClient client)
    {
        using var connection = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        var heartbeat = HeartbeatAsync(client, connection);
        var end = new ConnectionEnd(null, null, null);
        try
        {
            await using var frames = client.ReadPushesAsync(connection.Token).GetAsyncEnumerator(connection.Token);
            while (true)
            {
                try
                {
                    if (!await frames.MoveNextAsync())
                    {
                        return end; // The server closed the connection in order.
                    }
                }
                catch (OperationCanceledException) when (connection.IsCancellationRequested)
                {
                    return end with { Error = _stopping.IsCancellationRequested ? null : await heartbeat };
                }
                catch (Exception e)
                {
                    return end with { Error = e }; // The connection broke; GameClient says how.
                }

                end = Observe(frames.Current, end);
                _pushes.Writer.TryWrite(frames.Current);
            }
        }
        finally
        {
            await connection.CancelAsync();
            await heartbeat;
        }
    }

    /// <summary>What the client itself reads in a push before passing it on.</summary>
    private ConnectionEnd Observe(ServerFrame frame, ConnectionEnd end)
    {
        var message = frame.Message;
        switch (frame.Cmd)
        {
            case Commands.Joined or Commands.Left:
                Remember(frame);
                break;
            case Commands.Presence when message.ValueKind == JsonValueKind.Object:
                if (Member(message, "away") is { } away)
                {
                    Away?.Invoke(this, away);
                }
                else if (Member(message, "back") is { } back)
                {
                    Back?.Invoke(this, back);
                }

                break;
            case Commands.Shutdown when message.ValueKind == JsonValueKind.Object:
                var reason = message.TryGetProperty("reason", out var text) && text.ValueKind == JsonValueKind.String ? text.GetString()! : "";
                var after = message.TryGetProperty("reconnect_after_ms", out var ms) && ms.TryGetInt64(out var milliseconds)
                    ? TimeSpan.FromMilliseconds(Math.Max(0, milliseconds))
                    : TimeSpan.Zero;
                return end with { Shutdown = new ServerShutdown(reason, after) };
            case Commands.Error when frame.Id is null && message.ValueKind == JsonValueKind.Object
                && message.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.String
                && code.GetString() is "kicked" or "replaced":
                return end with { EndedBy = GameServerException.From(frame) };
        }

        return end;
    }

    private static MemberPresence? Member(JsonElement presence, string kind) =>
        presence.TryGetProperty(kind, out var who)
        && who.ValueKind == JsonValueKind.Object
        && who.TryGetProperty("user_id", out var userId)
        && userId.TryGetInt64(out var id)
        && presence.TryGetProperty("room", out var room)
        && room.GetString() is { } name
            ? new MemberPresence(name, id)
            : null;

    /// <summary>
    /// PINGs every heartbeat interval; when a PONG does not come in time, ends the connection and
    /// returns why. Returns null when the connection ended otherwise. Never throws.
    /// </summary>
    private async Task<Exception?> HeartbeatAsync(GameClient client, CancellationTokenSource connection)
    {
        if (_options.HeartbeatInterval is not { } interval)
        {
            return null;
        }

        try
        {
            while (true)
            {
                await Task.Delay(interval, connection.Token);
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(connection.Token);
                timeout.CancelAfter(_options.HeartbeatTimeout);
                try
                {
                    await client.PingAsync(timeout.Token);
                }
                catch (OperationCanceledException) when (!connection.IsCancellationRequested)
                {
                    var dead = new TimeoutException($"no PONG within {_options.HeartbeatTimeout.TotalSeconds:0.###} s: the connection is dead");
                    await connection.CancelAsync();
                    return dead;
                }
                catch (GameServerException)
                {
                    // rate_limited: the game sends a lot, so the connection is alive.
                }
            }
        }
        catch (Exception)
        {
            // Cancelled, or the connection failed under the PING: the push stream says why.
            return null;
        }
    }

    /// <summary>
    /// Attempts with backoff until one connects and establishes a session: the old one resumed when
    /// <paramref name="token"/> is given and the server takes it, else a fresh one, signed in and
    /// back in the remembered rooms. Throws an <see cref="IOException"/> when it gives up.
    /// </summary>
    /// <param name="freshBecause">Why there is no session to resume, when <paramref name="token"/> is null.</param>
    private async Task<(GameClient Client, ResumedSession? Resumed, LostSession? Lost)> ReconnectAsync(
        Backoff backoff, string? token, long previousUserId, string? freshBecause)
    {
        Exception? last = null;
        var attempt = 0;
        while (_options.MaxReconnectAttempts is not { } max || attempt < max)
        {
            attempt++;
            await Task.Delay(backoff.Next(), _stopping.Token);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
            timeout.CancelAfter(_options.AttemptTimeout);
            GameClient? client = null;
            var established = false;
            try
            {
                client = await _connect(timeout.Token);
                if (token is not null)
                {
                    try
                    {
                        var resumed = await client.ResumeAsync(token, timeout.Token);
                        established = true;
                        return (client, resumed, null);
                    }
                    catch (GameServerException refused)
                    {
                        // bad_session: no session waits for the token. This connection goes on as
                        // its WELCOME's fresh player, and the token is spent for the next attempts.
                        token = null;
                        freshBecause = $"{refused.Code}: {refused.Detail}";
                    }
                }

                var lost = await StartFreshAsync(client, previousUserId, freshBecause ?? "no session to resume", timeout.Token);
                established = true;
                return (client, null, lost);
            }
            catch (Exception e) when (!_stopping.IsCancellationRequested && e is not SignInRefusedException)
            {
                last = e is OperationCanceledException
                    ? new TimeoutException($"reconnect attempt {attempt} took longer than {_options.AttemptTimeout.TotalSeconds:0.###} s", e)
                    : e;
            }
            finally
            {
                if (!established && client is not null)
                {
                    await client.DisposeAsync();
                }
            }
        }

        throw new IOException($"gave up reconnecting after {attempt} attempts: {last?.Message ?? "none allowed"}", last);
    }

    /// <summary>The fresh player of <paramref name="client"/>'s WELCOME: signed in as before, and back in the remembered rooms.</summary>
    private async Task<LostSession> StartFreshAsync(GameClient client, long previousUserId, string reason, CancellationToken cancellationToken)
    {
        string? name;
        string? token;
        string[] rooms;
        lock (_gate)
        {
            (name, token, rooms) = (_name, _signInToken, [.. _rooms]);
        }

        if (name is not null || token is not null)
        {
            try
            {
                await client.HelloAsync(name, token, cancellationToken);
            }
            catch (GameServerException refused)
            {
                throw new SignInRefusedException(refused);
            }
        }

        var rejoined = new List<string>(rooms.Length);
        var notRejoined = new Dictionary<string, GameServerException>();
        foreach (var room in rooms)
        {
            try
            {
                await client.JoinAsync(room, cancellationToken);
                rejoined.Add(room);
            }
            catch (GameServerException refused)
            {
                notRejoined[room] = refused;
            }
        }

        return new LostSession(previousUserId, client.UserId, reason, rejoined, notRejoined);
    }

    /// <summary>How a connection ended: what broke it, if anything, and what the server said last.</summary>
    private sealed record ConnectionEnd(Exception? Error, GameServerException? EndedBy, ServerShutdown? Shutdown);

    private sealed record ServerShutdown(string Reason, TimeSpan ReconnectAfter);

    /// <summary>A fresh session's HELLO was refused: trying again would send the same HELLO, so the client stops.</summary>
    private sealed class SignInRefusedException(GameServerException refused) : Exception(refused.Message, refused);
}
