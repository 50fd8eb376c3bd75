using System.Net;
using System.Net.Sockets;

namespace ActorGameServer.Server.Tests.Support;

/// <summary>
/// The network between clients and a server, for tests of what clients do when it fails: a TCP
/// forwarder on 127.0.0.1 that passes bytes both ways unchanged (so TCP frames and WebSocket
/// handshakes alike), until the test cuts it (<see cref="Cut"/>: every connection through it is
/// reset, on both sides, as a broken network would) or takes it down (<see cref="GoDown"/>: cut,
/// and new connections are reset as soon as they are accepted, until <see cref="ComeBack"/>) or
/// silences it (<see cref="Silence"/>: a pulled cable, which nobody hears about).
/// </summary>
public sealed class NetworkLink : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private readonly List<Socket> _open = [];
    private readonly HashSet<Socket> _silenced = [];
    private readonly Task _accepting;
    private volatile IPEndPoint _target;
    private volatile bool _down;
    private int _passed;

    /// <param name="target">Where connections go: a server's game port, or its HTTP port for WebSocket.</param>
    public NetworkLink(IPEndPoint target)
    {
        _target = target;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Where new connections go; a test points it at a restarted server.</summary>
    public IPEndPoint Target
    {
        get => _target;
        set => _target = value;
    }

    /// <summary>How many connections reached the target (not those reset while down).</summary>
    public int Passed => Volatile.Read(ref _passed);

    /// <summary>A WebSocket URL through the link, for a link targeting a server's HTTP port.</summary>
    public Uri WebSocketUri => new($"ws://127.0.0.1:{Port}/ws");

    /// <summary>Resets every connection through the link, both the client's side and the server's.</summary>
    public void Cut()
    {
        Socket[] open;
        lock (_gate)
        {
            open = [.. _open];
            _open.Clear();
        }

        foreach (var socket in open)
        {
            Reset(socket);
        }
    }

    /// <summary>Resets the silenced connections too, so the server hears of them at last.</summary>
    private void ResetSilenced()
    {
        Socket[] silenced;
        lock (_gate)
        {
            silenced = [.. _silenced];
            _silenced.Clear();
        }

        foreach (var socket in silenced)
        {
            Reset(socket);
        }
    }

    /// <summary>
    /// The connections through the link from now on pass nothing, neither bytes nor their end, and
    /// stay open: neither side learns that the other is gone. New connections pass as usual.
    /// </summary>
    public void Silence()
    {
        lock (_gate)
        {
            _silenced.UnionWith(_open);
        }
    }

    /// <summary>Cuts, and resets new connections at once until <see cref="ComeBack"/>.</summary>
    public void GoDown()
    {
        _down = true;
        Cut();
    }

    public void ComeBack() => _down = false;

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        await _accepting;
        Cut();
        ResetSilenced();
        _stopping.Dispose();
    }

    /// <summary>A close with linger 0 sends RST: the peer sees a reset, not an orderly end.</summary>
    private static void Reset(Socket socket)
    {
        try
        {
            socket.LingerState = new LingerOption(true, 0);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Already closed.
        }

        socket.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stopping.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            if (_down)
            {
                Reset(client);
                continue;
            }

            var server = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            client.NoDelay = true;
            try
            {
                await server.ConnectAsync(_target, _stopping.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException)
            {
                Reset(client);
                server.Dispose();
                continue;
            }

            lock (_gate)
            {
                _open.Add(client);
                _open.Add(server);
            }

            Interlocked.Increment(ref _passed);
            _ = ForwardAsync(client, server);
        }
    }

    /// <summary>Both directions until both ended; an orderly end on one side is passed on as a half-close.</summary>
    private async Task ForwardAsync(Socket client, Socket server)
    {
        await Task.WhenAll(PumpAsync(client, server), PumpAsync(server, client));
        lock (_gate)
        {
            _open.Remove(client);
            _open.Remove(server);
        }

        if (!IsSilenced(client))
        {
            client.Dispose();
            server.Dispose();
        }
    }

    private bool IsSilenced(Socket socket)
    {
        lock (_gate)
        {
            return _silenced.Contains(socket);
        }
    }

    private async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await from.ReceiveAsync(buffer)) > 0)
            {
                if (!IsSilenced(from))
                {
                    await to.SendAsync(buffer.AsMemory(0, read));
                }
            }

            if (!IsSilenced(from))
            {
                to.Shutdown(SocketShutdown.Send);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Cut, or one side reset: the other side is reset too, as it would be by a broken
            // network, unless the link is silent about everything.
            if (!IsSilenced(from))
            {
                Reset(from);
                Reset(to);
            }
        }
    }
}
