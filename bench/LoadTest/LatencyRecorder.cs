using System.Diagnostics;
using HdrHistogram;

namespace ActorGameServer.LoadTest;

/// <summary>
/// Latencies in an HdrHistogram: microseconds from 1 µs to 60 s at 3 significant digits (every
/// value within 0.1 %), about 140 KB whatever the count. Recording is thread-safe (Interlocked
/// counts), so all clients of a scenario share one recorder. Values over 60 s are recorded as
/// 60 s and counted in <see cref="Saturated"/>.
/// </summary>
internal sealed class LatencyRecorder
{
    public const long HighestMicroseconds = 60_000_000;

    private readonly LongConcurrentHistogram _histogram = new(1, HighestMicroseconds, 3);
    private long _saturated;

    public long Count => _histogram.TotalCount;

    public long Saturated => Interlocked.Read(ref _saturated);

    /// <summary>Records an interval measured in <see cref="Stopwatch"/> ticks.</summary>
    public void RecordTicks(long ticks)
    {
        var microseconds = Math.Max(0, ticks) * 1_000_000 / Stopwatch.Frequency;
        if (microseconds > HighestMicroseconds)
        {
            Interlocked.Increment(ref _saturated);
            microseconds = HighestMicroseconds;
        }

        _histogram.RecordValue(microseconds);
    }

    public LatencySummary? Summarize()
    {
        if (_histogram.TotalCount == 0)
        {
            return null;
        }

        return new LatencySummary(
            Count: _histogram.TotalCount,
            P50Ms: Ms(_histogram.GetValueAtPercentile(50)),
            P90Ms: Ms(_histogram.GetValueAtPercentile(90)),
            P99Ms: Ms(_histogram.GetValueAtPercentile(99)),
            P999Ms: Ms(_histogram.GetValueAtPercentile(99.9)),
            MaxMs: Ms(_histogram.GetMaxValue()),
            MeanMs: Math.Round(_histogram.GetMean() / 1000.0, 3),
            SaturatedAt60s: Saturated);
    }

    private static double Ms(long microseconds) => microseconds / 1000.0;
}

/// <summary>Percentiles from an HdrHistogram, in milliseconds (microsecond resolution).</summary>
internal sealed record LatencySummary(long Count, double P50Ms, double P90Ms, double P99Ms, double P999Ms, double MaxMs, double MeanMs, long SaturatedAt60s)
{
    public override string ToString() =>
        $"p50 {P50Ms:F3} ms, p90 {P90Ms:F3} ms, p99 {P99Ms:F3} ms, p99.9 {P999Ms:F3} ms, max {MaxMs:F3} ms ({Count} samples{(SaturatedAt60s > 0 ? $", {SaturatedAt60s} over 60 s" : "")})";
}
