using Akka.IO;

namespace ActorGameServer.Server.Actors;

/// <summary>
/// The frames waiting to be written to one connection. Akka.IO's own write queue is unbounded,
/// so the client actor keeps at most one <c>Tcp.Write</c> in flight (acknowledged) and holds the
/// rest here, where they are counted and bounded. Everything queued while a write is in flight
/// goes out together in the next write, which batches small frames into few system calls.
/// </summary>
internal sealed class OutboundQueue(int maxBytes)
{
    private readonly Queue<byte[]> _frames = new();
    private int _inFlightBytes;

    /// <summary>Bytes not yet acknowledged by the socket: queued plus in flight.</summary>
    public int PendingBytes { get; private set; }

    public bool IsWriteInFlight => _inFlightBytes > 0;

    /// <summary>Nothing queued and nothing in flight: every frame has reached the socket.</summary>
    public bool IsEmpty => PendingBytes == 0;

    /// <summary>Queues a frame; false when it would take the connection past its bound.</summary>
    public bool TryEnqueue(byte[] frame)
    {
        if (PendingBytes + frame.Length > maxBytes)
        {
            return false;
        }

        _frames.Enqueue(frame);
        PendingBytes += frame.Length;
        return true;
    }

    /// <summary>The next write, or null when one is already in flight or nothing is queued.</summary>
    public ByteString? TakeBatch()
    {
        if (IsWriteInFlight || _frames.Count == 0)
        {
            return null;
        }

        var batch = ByteString.FromBytes(_frames.Dequeue());
        while (_frames.TryDequeue(out var frame))
        {
            batch = batch.Concat(ByteString.FromBytes(frame));
        }

        _inFlightBytes = batch.Count;
        return batch;
    }

    /// <summary>The in-flight write reached the socket.</summary>
    public void Acknowledge()
    {
        PendingBytes -= _inFlightBytes;
        _inFlightBytes = 0;
    }
}
