using System.Diagnostics;

namespace ActorGameServer.LoadTest;

/// <summary>Round-trip times in Stopwatch ticks; exact percentiles from the sorted samples.</summary>
internal sealed class Latencies
{
    private readonly List<long> _ticks = [];

    public int Count => _ticks.Count;

    public void Add(long ticks) => _ticks.Add(ticks);

    public void AddRange(Latencies other) => _ticks.AddRange(other._ticks);

    public double PercentileMs(double percentile)
    {
        if (_ticks.Count == 0)
        {
            return double.NaN;
        }

        _ticks.Sort();
        var index = (int)Math.Ceiling(percentile / 100 * _ticks.Count) - 1;
        return _ticks[Math.Clamp(index, 0, _ticks.Count - 1)] * 1000.0 / Stopwatch.Frequency;
    }

    public string Summary() =>
        $"p50 {PercentileMs(50):F3} ms, p90 {PercentileMs(90):F3} ms, p99 {PercentileMs(99):F3} ms, p99.9 {PercentileMs(99.9):F3} ms, max {PercentileMs(100):F3} ms";
}
