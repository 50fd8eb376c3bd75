using ActorGameServer.Protocol;
using ActorGameServer.Server.Diagnostics;

namespace ActorGameServer.Server.Actors;

/// <summary>
/// The frames waiting to be written to one connection. Akka.IO's own write queue is unbounded,
/// and so is a WebSocket's, so the client actor keeps at most one write in flight (acknowledged)
/// and holds the rest here, where they are counted and bounded. Everything queued while a write
/// is in flight goes out together in the next write, which batches small frames into few system
/// calls.
/// </summary>
internal sealed class OutboundQueue(int maxBytes)
{
    private readonly Queue<EncodedFrame> _queued = new();
    // The write in flight; left untouched until it is acknowledged, so the transport may read it
    // while it sends.
    private readonly List<EncodedFrame> _inFlight = [];

    // When each queued frame was queued and when the write in flight left; only with StageTimings on.
    private readonly Queue<long>? _queuedAt = StageTimings.Enabled ? new() : null;
    private long _writtenAt;

    /// <summary>Payload bytes not yet acknowledged by the transport: queued plus in flight.</summary>
    public int PendingBytes { get; private set; }

    /// <summary>Payload bytes of the write in flight.</summary>
    public int InFlightBytes { get; private set; }

    /// <summary>Nothing queued and nothing in flight: every frame has reached the socket.</summary>
    public bool IsEmpty => PendingBytes == 0;

    /// <summary>Queues a frame; false when it would take the connection past its bound.</summary>
    public bool TryEnqueue(EncodedFrame frame)
    {
        if (PendingBytes + frame.Length > maxBytes)
        {
            return false;
        }

        _queued.Enqueue(frame);
        _queuedAt?.Enqueue(StageTimings.Now());
        PendingBytes += frame.Length;
        GameMetrics.OutboundQueuedChanged(frame.Length);
        return true;
    }

    /// <summary>The next write, or null when one is already in flight or nothing is queued.</summary>
    public IReadOnlyList<EncodedFrame>? TakeBatch()
    {
        if (_inFlight.Count > 0 || _queued.Count == 0)
        {
            return null;
        }

        while (_queued.TryDequeue(out var frame))
        {
            _inFlight.Add(frame);
            InFlightBytes += frame.Length;
            if (_queuedAt is not null)
            {
                StageTimings.Record(Stage.QueuedToWrite, _queuedAt.Dequeue());
            }
        }

        StageTimings.RecordWrite(_inFlight.Count);
        _writtenAt = StageTimings.Now();
        return _inFlight;
    }

    /// <summary>The write in flight reached the socket.</summary>
    public void Acknowledge()
    {
        StageTimings.Record(Stage.WriteToAck, _writtenAt);
        GameMetrics.OutboundQueuedChanged(-InFlightBytes);
        PendingBytes -= InFlightBytes;
        InFlightBytes = 0;
        _inFlight.Clear();
    }

    /// <summary>
    /// Queues a frame past the bound: the pushes a resumed session kept, bounded by
    /// <c>sessions.max-buffered-bytes</c> instead.
    /// </summary>
    public void EnqueueUnbounded(EncodedFrame frame)
    {
        _queued.Enqueue(frame);
        _queuedAt?.Enqueue(StageTimings.Now());
        PendingBytes += frame.Length;
        GameMetrics.OutboundQueuedChanged(frame.Length);
    }

    /// <summary>The frames queued and not yet written, in order (the write in flight excluded); they stay queued until <see cref="Release"/>.</summary>
    public IEnumerable<EncodedFrame> TakeUnsent() => _queued.ToArray();

    /// <summary>The connection is gone: what it still held no longer waits anywhere.</summary>
    public void Release()
    {
        GameMetrics.OutboundQueuedChanged(-PendingBytes);
        PendingBytes = 0;
        InFlightBytes = 0;
        _queued.Clear();
        _inFlight.Clear();
    }
}
