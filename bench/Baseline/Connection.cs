using System.Buffers.Binary;
using System.Net.Sockets;

namespace ActorGameServer.Baseline;

/// <summary>
/// One client: a single async loop that reads a frame, answers it, and reads the next. Replies
/// are awaited in the loop, so there is only ever one writer and no lock is needed; a client
/// that stops reading only stalls its own loop (TCP flow control pushes back on it).
/// </summary>
internal sealed class Connection(Socket socket, long userId, BaselineOptions options)
{
    // How long a refused client gets to read its ERROR and close before we close anyway. Closing
    // a socket that still has unread input makes the kernel send a reset, which can destroy the
    // ERROR frame before the client reads it; the actor server's close-timeout is 2 s too.
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(2);

    public async Task RunAsync(CancellationToken stopping)
    {
        using var stream = new NetworkStream(socket, ownsSocket: true);
        try
        {
            await stream.WriteAsync(Frames.Welcome(userId, options.MaxPayload, ServerVersion.Current), stopping);
            await ServeAsync(stream, stopping);
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or SocketException or OperationCanceledException)
        {
            // The client went away (EOF or reset), or the server is stopping: nothing to tell anyone.
        }
    }

    private async Task ServeAsync(NetworkStream stream, CancellationToken stopping)
    {
        var header = new byte[Frames.HeaderSize];
        // One buffer of the largest allowed payload for the connection's life; frames are read into it.
        var payload = new byte[options.MaxPayload];
        while (true)
        {
            // EndOfStreamException here is the client closing, between frames or in the middle of one.
            await stream.ReadExactlyAsync(header, stopping);
            var length = BinaryPrimitives.ReadUInt32LittleEndian(header);
            if (length > options.MaxPayload)
            {
                // Decided from the header alone: nothing of that size is read or buffered.
                await CloseWithErrorAsync(stream, Frames.Error("frame_too_large", $"frame of {length} bytes is larger than the maximum of {options.MaxPayload} bytes"), stopping);
                return;
            }

            await stream.ReadExactlyAsync(payload.AsMemory(0, (int)length), stopping);
            var (request, error) = RequestParser.Parse(payload.AsSpan(0, (int)length), options.MaxJsonDepth);
            if (error is not null)
            {
                // The byte stream can no longer be trusted: tell the client why and hang up.
                await CloseWithErrorAsync(stream, Frames.Error(error.Code, error.Detail), stopping);
                return;
            }

            var reply = request!.Cmd switch
            {
                "PING" => Frames.Pong(request),
                // Stays open, so a newer client can talk to an older server.
                _ => Frames.Error("unknown_cmd", $"unknown command \"{request.Cmd}\"", request.Id),
            };
            await stream.WriteAsync(reply, stopping);
        }
    }

    /// <summary>Sends the ERROR, half-closes, and gives the client a moment to read it and close first.</summary>
    private async Task CloseWithErrorAsync(NetworkStream stream, byte[] error, CancellationToken stopping)
    {
        await stream.WriteAsync(error, stopping);
        socket.Shutdown(SocketShutdown.Send);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        timeout.CancelAfter(CloseTimeout);
        var drain = new byte[4096];
        // Discard whatever the client still sends until it closes (read returns 0) or time runs out.
        while (await stream.ReadAsync(drain, timeout.Token) > 0)
        {
        }
    }
}
