using System.Diagnostics;
using System.Text;
using Akka.Event;

namespace ActorGameServer.Server.Diagnostics;

/// <summary>The stages a relayed frame passes through between two players (see <see cref="StageTimings"/>).</summary>
public enum Stage
{
    /// <summary>The sender's ClientActor dispatched the RELAY → its room handled it (the room's mailbox).</summary>
    DispatchedToRoom,

    /// <summary>The room handled the RELAY → the room sent it to the members (its flush window).</summary>
    HeldByRoom,

    /// <summary>The room sent it → a member's ClientActor handled it (that actor's mailbox).</summary>
    RoomToClient,

    /// <summary>The member's ClientActor queued it → the write carrying it went to the transport (behind the write in flight).</summary>
    QueuedToWrite,

    /// <summary>A write went to Akka.IO → its acknowledgement came back (Akka.IO's mailbox, the send, the Ack's trip).</summary>
    WriteToAck,
}

/// <summary>
/// Where a relayed frame's time goes inside the server, stage by stage, for the performance
/// work (docs/PERFORMANCE.md, "Where a relay's time goes"). Off unless the server is started
/// with <c>GAME_SERVER_STAGE_TIMINGS=1</c>; then every few seconds one log line gives each
/// stage's percentiles over that interval, and frames per write. Off, <see cref="Now"/> returns
/// 0 without reading the clock and <see cref="Record"/> returns at once: <see cref="Enabled"/> is
/// a static readonly field, which the JIT treats as a constant, so the checks compile away.
/// </summary>
public static class StageTimings
{
    public static readonly bool Enabled = Environment.GetEnvironmentVariable("GAME_SERVER_STAGE_TIMINGS") == "1";

    private static readonly LogHistogram[] Stages = Enum.GetValues<Stage>().Select(_ => new LogHistogram()).ToArray();
    private static readonly LogHistogram FramesPerWrite = new();
    private static Timer? _reporter; // Held here: a Timer nothing references is collected and stops.

    /// <summary>A timestamp to pass along with a frame; 0 when timings are off.</summary>
    public static long Now() => Enabled ? Stopwatch.GetTimestamp() : 0;

    /// <summary>Records that <paramref name="stage"/> took from <paramref name="since"/> (a <see cref="Now"/>) until now.</summary>
    public static void Record(Stage stage, long since)
    {
        if (Enabled && since != 0)
        {
            Stages[(int)stage].Record(Stopwatch.GetElapsedTime(since).Ticks / 10); // µs
        }
    }

    /// <summary>Records how many frames one write carried.</summary>
    public static void RecordWrite(int frames)
    {
        if (Enabled)
        {
            FramesPerWrite.Record(frames);
        }
    }

    /// <summary>Logs every stage's percentiles every <paramref name="interval"/>, then starts over.</summary>
    public static void ReportEvery(TimeSpan interval, ILoggingAdapter log)
    {
        if (!Enabled)
        {
            return;
        }

        _reporter?.Dispose();
        _reporter = new Timer(_ => log.Warning("{0}", TakeReport()), null, interval, interval);
    }

    private static string TakeReport()
    {
        var report = new StringBuilder("stage timings (µs p50/p90/p99/max, count):");
        foreach (var stage in Enum.GetValues<Stage>())
        {
            report.Append(' ').Append(stage).Append(' ').Append(Stages[(int)stage].TakeSummary()).Append(';');
        }

        return report.Append(" frames per write ").Append(FramesPerWrite.TakeSummary()).ToString();
    }

    /// <summary>
    /// Counts values in buckets of about 6 % width (16 per power of two), lock-free, so threads
    /// record concurrently; percentiles are the bucket's upper bound.
    /// </summary>
    private sealed class LogHistogram
    {
        private const int SubBuckets = 16;
        private readonly long[] _counts = new long[64 * SubBuckets];

        public void Record(long value)
        {
            var v = Math.Max(value, 0);
            Interlocked.Increment(ref _counts[Bucket(v)]);
        }

        public string TakeSummary()
        {
            var counts = new long[_counts.Length];
            for (var i = 0; i < counts.Length; i++)
            {
                counts[i] = Interlocked.Exchange(ref _counts[i], 0);
            }

            var total = counts.Sum();
            if (total == 0)
            {
                return "-";
            }

            return $"{Percentile(counts, total, 0.50)}/{Percentile(counts, total, 0.90)}/{Percentile(counts, total, 0.99)}/{Percentile(counts, total, 1.0)} ({total})";
        }

        private static int Bucket(long v)
        {
            if (v < SubBuckets)
            {
                return (int)v;
            }

            var power = 63 - (int)long.LeadingZeroCount(v); // v >= 16, so power >= 4
            var sub = (int)(v >> (power - 4)) & (SubBuckets - 1);
            return ((power - 3) * SubBuckets) + sub;
        }

        private static long UpperBound(int bucket)
        {
            if (bucket < SubBuckets)
            {
                return bucket;
            }

            var power = (bucket / SubBuckets) + 3;
            var sub = bucket % SubBuckets;
            return ((long)(SubBuckets + sub + 1) << (power - 4)) - 1;
        }

        private static long Percentile(long[] counts, long total, double quantile)
        {
            var wanted = Math.Max(1, (long)Math.Ceiling(total * quantile));
            long seen = 0;
            for (var i = 0; i < counts.Length; i++)
            {
                seen += counts[i];
                if (seen >= wanted)
                {
                    return UpperBound(i);
                }
            }

            return UpperBound(counts.Length - 1);
        }
    }
}
