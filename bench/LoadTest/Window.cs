using System.Diagnostics;

namespace ActorGameServer.LoadTest;

/// <summary>The measured window, [From, To) in Stopwatch timestamps of this process; requests belong to it by send time.</summary>
internal sealed record Window(long From, long To)
{
    public bool Contains(long timestamp) => timestamp >= From && timestamp < To;

    public static long Ticks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);

    public static async Task DelayUntilAsync(long timestamp)
    {
        var wait = timestamp - Stopwatch.GetTimestamp();
        if (wait > 0)
        {
            await Task.Delay(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency));
        }
    }

    /// <summary>
    /// After the last send: waits until <paramref name="received"/> reaches <paramref name="expected"/>,
    /// or nothing arrives for 2 s (the rest is lost), or <paramref name="limit"/> passes (an
    /// overloaded server can be seconds behind; what is missing then is late, maybe not lost).
    /// </summary>
    public static async Task<(TimeSpan Time, string End)> DrainAsync(Func<long> received, long expected, TimeSpan limit)
    {
        var started = Stopwatch.GetTimestamp();
        var lastProgress = started;
        var seen = received();
        while (seen < expected)
        {
            await Task.Delay(20);
            var now = received();
            if (now > seen)
            {
                seen = now;
                lastProgress = Stopwatch.GetTimestamp();
            }
            else if (Stopwatch.GetElapsedTime(lastProgress) >= TimeSpan.FromSeconds(2))
            {
                return (Stopwatch.GetElapsedTime(started), "nothing arrived for 2 s");
            }

            if (Stopwatch.GetElapsedTime(started) >= limit)
            {
                return (Stopwatch.GetElapsedTime(started), "--drain limit reached; still arriving, so part of this is late rather than lost");
            }
        }

        return (Stopwatch.GetElapsedTime(started), "all arrived");
    }
}
