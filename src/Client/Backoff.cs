namespace ActorGameServer.Client;

/// <summary>
/// Reconnect delays, as the Godot addon's backoff.gd: exponential from the minimum up to the
/// maximum, each drawn from [delay / 2, delay] so that players dropped by the same server restart
/// do not all come back in the same millisecond. Used by one reconnect loop at a time.
/// </summary>
internal sealed class Backoff(TimeSpan min, TimeSpan max)
{
    private const double Jitter = 0.5;

    private int _attempt;
    private TimeSpan _serverHint;

    /// <summary>The delay before the next attempt; every call until <see cref="Reset"/> doubles it, up to the maximum.</summary>
    public TimeSpan Next()
    {
        var full = Math.Min(max.TotalMilliseconds, min.TotalMilliseconds * Math.Pow(2, Math.Min(_attempt, 30)));
        _attempt++;
        var delay = TimeSpan.FromMilliseconds(full * (1 - (Jitter * Random.Shared.NextDouble())));

        // The server said when it will be back: earlier only wastes an attempt. Jitter on top, so
        // that its players do not all return at once.
        if (_serverHint > TimeSpan.Zero)
        {
            delay = TimeSpan.FromMilliseconds(Math.Max(
                delay.TotalMilliseconds,
                _serverHint.TotalMilliseconds + (min.TotalMilliseconds * Jitter * Random.Shared.NextDouble())));
            _serverHint = TimeSpan.Zero;
        }

        return delay;
    }

    /// <summary>SHUTDOWN's <c>reconnect_after_ms</c>: a floor for the next delay only.</summary>
    public void HonorServerHint(TimeSpan reconnectAfter) => _serverHint = reconnectAfter;

    /// <summary>A connection worked: the next drop starts from the minimum again.</summary>
    public void Reset() => _attempt = 0;
}
