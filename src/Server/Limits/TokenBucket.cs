using System.Diagnostics;

namespace ActorGameServer.Server.Limits;

/// <summary>
/// A token bucket: <c>ratePerSecond</c> tokens flow in per second, up to <c>burst</c> saved.
/// Time is passed in (Stopwatch ticks) so tests control it. Not thread-safe: each connection's
/// actor owns its buckets.
/// </summary>
public sealed class TokenBucket
{
    private readonly double _perTick;
    private double _tokens;
    private long _lastTicks;

    public TokenBucket(double ratePerSecond, double burst, long nowTicks)
    {
        _perTick = ratePerSecond / Stopwatch.Frequency;
        Burst = burst;
        _tokens = burst;
        _lastTicks = nowTicks;
    }

    public double Burst { get; }

    /// <summary>The tokens saved up by <paramref name="nowTicks"/>.</summary>
    public double AvailableAt(long nowTicks)
    {
        Refill(nowTicks);
        return _tokens;
    }

    /// <summary>
    /// How long after <paramref name="nowTicks"/> the bucket will hold <paramref name="amount"/>
    /// tokens (0 if it does now), in Stopwatch ticks; at most <see cref="Burst"/> ever fits.
    /// </summary>
    public long TicksUntil(double amount, long nowTicks)
    {
        var missing = Math.Min(amount, Burst) - AvailableAt(nowTicks);
        return missing <= 0 ? 0 : (long)Math.Ceiling(missing / _perTick);
    }

    /// <summary>Takes <paramref name="amount"/> tokens if they are there; otherwise takes none.</summary>
    public bool TryTake(double amount, long nowTicks)
    {
        Refill(nowTicks);
        if (_tokens < amount)
        {
            return false;
        }

        _tokens -= amount;
        return true;
    }

    private void Refill(long nowTicks)
    {
        var elapsed = nowTicks - _lastTicks;
        if (elapsed > 0)
        {
            _tokens = Math.Min(Burst, _tokens + elapsed * _perTick);
            _lastTicks = nowTicks;
        }
    }
}
