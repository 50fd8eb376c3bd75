using System.Buffers;
using System.Threading.Channels;

namespace ActorGameServer.Baseline;

/// <summary>
/// The one writer of a socket. Any thread may queue a frame (a reply from the connection's own
/// read loop, a RELAY or PRESENCE from another player's loop); one task per connection takes
/// whatever has queued and sends it in one write, so frames that pile up while a send is in
/// flight go out together. The queue is unbounded: a client that stops reading makes it grow
/// (the actor server disconnects it at max-outbound-bytes; this yardstick does not).
/// </summary>
internal sealed class Outbox
{
    // One write carries at most about this much, so the copy buffer stays a pooled size.
    private const int MaxWriteBytes = 64 * 1024;

    private readonly Channel<byte[]> _frames = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Queues a frame; after <see cref="Complete"/> (the connection is closing) it is dropped.</summary>
    public void Enqueue(byte[] frame) => _frames.Writer.TryWrite(frame);

    /// <summary>No more frames: the write loop sends what is queued and ends.</summary>
    public void Complete() => _frames.Writer.TryComplete();

    /// <summary>
    /// The write loop. Ends when the outbox is completed and empty, or when a send fails (the
    /// client is gone) or <paramref name="cancellation"/> fires; a failed send cancels
    /// <paramref name="onFailure"/>, so the read loop ends too instead of serving a dead socket.
    /// </summary>
    public async Task RunAsync(Stream stream, CancellationTokenSource onFailure, CancellationToken cancellation)
    {
        var batch = new List<byte[]>();
        try
        {
            while (await _frames.Reader.WaitToReadAsync(cancellation))
            {
                var bytes = 0;
                while (bytes < MaxWriteBytes && _frames.Reader.TryRead(out var frame))
                {
                    batch.Add(frame);
                    bytes += frame.Length;
                }

                await WriteAsync(stream, batch, bytes, cancellation);
                batch.Clear();
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
        {
            Complete(); // Nothing will send what others still queue: drop it instead of holding it.
            await onFailure.CancelAsync();
        }
    }

    private static async Task WriteAsync(Stream stream, List<byte[]> batch, int bytes, CancellationToken cancellation)
    {
        if (batch.Count == 1)
        {
            await stream.WriteAsync(batch[0], cancellation);
            return;
        }

        // Several frames: copied into one buffer, so they cost one send instead of one each.
        var buffer = ArrayPool<byte>.Shared.Rent(bytes);
        try
        {
            var offset = 0;
            foreach (var frame in batch)
            {
                frame.CopyTo(buffer, offset);
                offset += frame.Length;
            }

            await stream.WriteAsync(buffer.AsMemory(0, bytes), cancellation);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
