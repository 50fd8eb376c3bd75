using System.Diagnostics;
using ActorGameServer.Server.Diagnostics;

namespace ActorGameServer.Server.Admin;

/// <summary>
/// Frames per second in and out, from two samples of <see cref="GameMetrics.Totals"/> taken
/// <see cref="Interval"/> apart by the registry's timer: a rate needs two counts and the time
/// between them, and counting per frame again for the admin console would cost every frame what
/// the striped counters already pay. The totals are process-wide, so several nodes in one process
/// (tests) each report the process's rate; in production a process is one node.
/// </summary>
public sealed class TrafficRate
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private TrafficTotals _last = GameMetrics.Totals;
    private long _lastAt = Stopwatch.GetTimestamp();

    public double FramesInPerSecond { get; private set; }

    public double FramesOutPerSecond { get; private set; }

    public void Sample()
    {
        var now = GameMetrics.Totals;
        var at = Stopwatch.GetTimestamp();
        var seconds = Stopwatch.GetElapsedTime(_lastAt, at).TotalSeconds;
        if (seconds <= 0)
        {
            return;
        }

        FramesInPerSecond = Math.Round((now.FramesIn - _last.FramesIn) / seconds, 1);
        FramesOutPerSecond = Math.Round((now.FramesOut - _last.FramesOut) / seconds, 1);
        _last = now;
        _lastAt = at;
    }
}
