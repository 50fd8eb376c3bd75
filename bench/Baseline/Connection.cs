using System.Buffers.Binary;
using System.Net.Sockets;

namespace ActorGameServer.Baseline;

/// <summary>
/// One client: a read loop that reads a frame, handles it, and reads the next, and the player's
/// <see cref="Outbox"/> write loop, the socket's only writer. Other players' loops queue RELAY
/// and PRESENCE frames to the outbox too, so nothing here writes to the socket directly.
/// </summary>
internal sealed class Connection(Socket socket, long userId, BaselineOptions options, RoomDirectory rooms)
{
    // How long a refused client gets to read its ERROR and close before we close anyway. Closing
    // a socket that still has unread input makes the kernel send a reset, which can destroy the
    // ERROR frame before the client reads it; the actor server's close-timeout is 2 s too. Also
    // how long the outbox gets to flush once the read loop has ended.
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(2);

    public async Task RunAsync(CancellationToken stopping)
    {
        using var stream = new NetworkStream(socket, ownsSocket: true);
        // Cancelled by stopping, by a failed send (the client is gone), or CloseTimeout after the read loop ended.
        using var closing = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var player = new Player(userId);
        var writing = player.Outbox.RunAsync(stream, closing, closing.Token);
        player.Outbox.Enqueue(Frames.Welcome(userId, options.MaxPayload, ServerVersion.Current));
        byte[]? closingError = null;
        try
        {
            closingError = await ServeAsync(stream, player, closing.Token);
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or OperationCanceledException)
        {
            // The client went away (EOF or reset), a send failed, or the server is stopping: nothing to tell anyone.
        }
        finally
        {
            // First out of the rooms, so nobody queues to this player any more, then whatever is queued is sent.
            rooms.LeaveAll(player);
            if (closingError is not null)
            {
                player.Outbox.Enqueue(closingError);
            }

            player.Outbox.Complete();
            closing.CancelAfter(CloseTimeout);
        }

        await writing;
        if (closingError is not null && !closing.IsCancellationRequested)
        {
            await HalfCloseAsync(stream, closing.Token);
        }
    }

    /// <summary>Reads and handles frames until the client closes; returns the ERROR to close with after a bad frame.</summary>
    private async Task<byte[]> ServeAsync(NetworkStream stream, Player player, CancellationToken cancellation)
    {
        var header = new byte[Frames.HeaderSize];
        // One buffer of the largest allowed payload for the connection's life; frames are read into it.
        var payload = new byte[options.MaxPayload];
        while (true)
        {
            // EndOfStreamException here is the client closing, between frames or in the middle of one.
            await stream.ReadExactlyAsync(header, cancellation);
            var length = BinaryPrimitives.ReadUInt32LittleEndian(header);
            if (length > options.MaxPayload)
            {
                // Decided from the header alone: nothing of that size is read or buffered.
                return Frames.Error("frame_too_large", $"frame of {length} bytes is larger than the maximum of {options.MaxPayload} bytes");
            }

            await stream.ReadExactlyAsync(payload.AsMemory(0, (int)length), cancellation);
            var (request, error) = RequestParser.Parse(payload.AsSpan(0, (int)length), options.MaxJsonDepth);
            if (error is not null)
            {
                // The byte stream can no longer be trusted: tell the client why and hang up.
                return Frames.Error(error.Code, error.Detail);
            }

            Commands.Handle(request!, player, rooms);
        }
    }

    /// <summary>After the closing ERROR was sent: half-close, and give the client a moment to read it and close first.</summary>
    private async Task HalfCloseAsync(NetworkStream stream, CancellationToken cancellation)
    {
        var drain = new byte[4096];
        try
        {
            socket.Shutdown(SocketShutdown.Send);
            // Discard whatever the client still sends until it closes (read returns 0) or time runs out.
            while (await stream.ReadAsync(drain, cancellation) > 0)
            {
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
        {
            // Reset by the client, or the close timeout: close now.
        }
    }
}
