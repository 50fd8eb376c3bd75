using System.Diagnostics;

namespace ActorGameServer.Server.Diagnostics;

/// <summary>
/// One log line per interval for something a client can make happen as often as it likes (refused
/// connections, refused admin tokens): a flood of them must not flood the log too. The line that
/// passes says how many were held back since the last one. Safe from several threads (the admin
/// API's requests run on many); a refusal is rare enough that the lock costs nothing.
/// </summary>
internal sealed class LogThrottle(TimeSpan interval)
{
    private readonly Lock _lock = new();
    private long _lastPassed;
    private int _heldBack;

    /// <summary>True when a line may be written now, with how many were held back before it; false when this one is held back.</summary>
    public bool TryPass(out int heldBack)
    {
        lock (_lock)
        {
            if (_lastPassed != 0 && Stopwatch.GetElapsedTime(_lastPassed) < interval)
            {
                _heldBack++;
                heldBack = 0;
                return false;
            }

            heldBack = _heldBack;
            _heldBack = 0;
            _lastPassed = Stopwatch.GetTimestamp();
            return true;
        }
    }
}
