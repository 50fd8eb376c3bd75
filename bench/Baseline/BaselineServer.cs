using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace ActorGameServer.Baseline;

/// <summary>
/// The accept loop: every accepted socket gets its own <see cref="Connection"/> task. The tasks
/// are kept so that stopping can wait for them to end instead of abandoning them mid-write.
/// </summary>
internal sealed class BaselineServer(BaselineOptions options)
{
    private readonly ConcurrentDictionary<long, Task> _connections = new();
    private readonly RoomDirectory _rooms = new(options.MaxMembers);
    private long _lastUserId;

    /// <summary>Binds the port; throws <see cref="SocketException"/> when it cannot (already in use, for instance).</summary>
    public TcpListener Bind()
    {
        var listener = new TcpListener(new IPEndPoint(options.Host, options.Port));
        // A burst of players joining at once should queue, not be refused (the actor server's backlog).
        listener.Start(backlog: 1000);
        return listener;
    }

    public async Task RunAsync(TcpListener listener, CancellationToken stopping)
    {
        try
        {
            while (true)
            {
                var socket = await listener.AcceptSocketAsync(stopping);
                // Request/response frames are small; without NoDelay, Nagle would hold each reply back.
                socket.NoDelay = true;
                var userId = Interlocked.Increment(ref _lastUserId);
                _connections[userId] = ServeAsync(socket, userId, stopping);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping: accept no one new.
        }
        finally
        {
            listener.Stop();
        }

        // Every connection loop sees the same token, ends, and closes its socket.
        await Task.WhenAll(_connections.Values);
    }

    private async Task ServeAsync(Socket socket, long userId, CancellationToken stopping)
    {
        // Yield first: the accept loop must get the task (and store it) before this can finish
        // and remove it, and one client's synchronous work must never hold up the accept loop.
        await Task.Yield();
        try
        {
            await new Connection(socket, userId, options, _rooms).RunAsync(stopping);
        }
        catch (Exception e)
        {
            // A bug in one connection must not take the server down; say so and carry on.
            Console.Error.WriteLine($"client {userId} failed: {e}");
        }
        finally
        {
            _connections.TryRemove(userId, out _);
        }
    }
}
