namespace ActorGameServer.Server.Diagnostics;

/// <summary>
/// A process-wide sum that many threads add to per frame without fighting over one cache line:
/// each thread adds to a cell of its own (by managed thread id), 64 bytes apart, and a reader
/// sums the cells. Reads happen a few times a minute (a scrape, the admin console), adds
/// hundreds of thousands of times a second. An actor may add on one thread and subtract on
/// another; only the sum means anything.
/// </summary>
internal sealed class StripedCounter
{
    // Eight longs, one 64-byte cache line, per cell; the first long of each is used.
    private const int Stride = 8;

    private readonly long[] _cells;
    private readonly int _mask;

    public StripedCounter()
    {
        var cells = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(4, Environment.ProcessorCount * 2));
        _cells = new long[cells * Stride];
        _mask = cells - 1;
    }

    public void Add(long value) =>
        Interlocked.Add(ref _cells[(Environment.CurrentManagedThreadId & _mask) * Stride], value);

    public long Sum()
    {
        long sum = 0;
        for (var i = 0; i < _cells.Length; i += Stride)
        {
            sum += Volatile.Read(ref _cells[i]);
        }

        return sum;
    }
}
