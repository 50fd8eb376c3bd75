using System.Diagnostics;
using System.Net.Sockets;
using System.Text.Json;
using ActorGameServer.Protocol;

namespace ActorGameServer.LoadTest;

/// <summary>
/// Open loop, like a game tick: N clients each send PING at H Hz on an absolute schedule (tick
/// k is due at first + k × period, whatever earlier sends took), the clients' first ticks spread
/// evenly over one period. Each PING carries <c>{"c":client,"s":seq,"t":sent}</c>, with sent in
/// this process's Stopwatch ticks. The sends come from one ticker thread per core, each walking
/// its clients' ticks in due order (sleeping to the next one; sends due within the same
/// millisecond go together), which costs far less than a timer and a task per tick; a separate
/// receive loop per client takes the PONGs: the
/// latency is receive time − t, the order is checked by sequence number, and a PONG for another
/// client is wrong. A tick that comes a whole period late (the generator starved of CPU, or a
/// send blocked) is skipped and counted as missed, never sent in a catch-up burst. PINGs sent in
/// the measured window are waited for after the last send (until all arrived, nothing for 2 s,
/// or --drain); those never answered are lost.
/// </summary>
internal static class TickScenario
{
    public static async Task<ScenarioResult> RunAsync(Options options)
    {
        if (options.Clients < 1 || options.Hz <= 0)
        {
            throw new ArgumentException("tick needs --clients >= 1 and --hz > 0");
        }

        var counters = new LiveCounters("replies");
        return await LiveProgress.RunAsync("tick", counters, () => RunAsync(options, counters));
    }

    private static async Task<ScenarioResult> RunAsync(Options options, LiveCounters counters)
    {
        var setupStarted = Stopwatch.GetTimestamp();
        var players = new Player[options.Clients];
        using (var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2)))
        {
            await Parallel.ForAsync(0, players.Length, new ParallelOptions { MaxDegreeOfParallelism = 100, CancellationToken = timeout.Token }, async (i, ct) =>
            {
                var client = await LoadClient.ConnectAsync(options.Server, ct);
                await client.ExpectAsync(Commands.Welcome, ct);
                players[i] = new Player(i, client, counters);
            });
        }

        var setup = Stopwatch.GetElapsedTime(setupStarted);
        var latencies = new LatencyRecorder();
        var lateness = new LatencyRecorder();
        var period = Stopwatch.Frequency / options.Hz;
        var start = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 2;
        var window = new Window(start + Window.Ticks(options.Warmup), start + Window.Ticks(options.Warmup + options.Duration));
        counters.Phase = "warm-up";

        using var stopReceiving = new CancellationTokenSource();
        using var stopFlooding = new CancellationTokenSource();
        var flooders = Flooders.Start(options, stopFlooding.Token);
        var receivers = players.Select(p => Task.Run(() => p.ReceiveAsync(window, latencies, stopReceiving.Token))).ToArray();

        Sample? before = null;
        Sample? after = null;
        var sampling = Task.Run(async () =>
        {
            await Window.DelayUntilAsync(window.From);
            before = Sample.Take(options.ServerPid);
            counters.Phase = "measuring";
            await Window.DelayUntilAsync(window.To);
            after = Sample.Take(options.ServerPid);
            counters.Phase = "draining";
        });

        var tickers = Enumerable.Range(0, Math.Min(Environment.ProcessorCount, players.Length)).Select(k =>
        {
            var mine = players.Where((_, i) => i % Environment.ProcessorCount == k).ToArray();
            var thread = new Thread(() => Tick(mine, start, period, players.Length, window, lateness)) { IsBackground = true, Name = $"ticker {k}" };
            thread.Start();
            return thread;
        }).ToList();
        await Task.Run(() => tickers.ForEach(t => t.Join()));
        await sampling;
        await stopFlooding.CancelAsync();
        var flood = await flooders;

        var sent = players.Sum(p => p.SentInWindow);
        var drained = await Window.DrainAsync(() => players.Sum(p => p.ReceivedInWindow), sent, options.Drain);
        await stopReceiving.CancelAsync();
        await Task.WhenAll(receivers);
        foreach (var player in players)
        {
            await player.DisposeAsync();
        }

        var seconds = options.Duration.TotalSeconds;
        var received = players.Sum(p => p.ReceivedInWindow);
        var failed = players.Count(p => p.Failure is not null);
        var sendLateness = lateness.Summarize();
        var extra = new SortedDictionary<string, double>
        {
            ["setupSeconds"] = Math.Round(setup.TotalSeconds, 2),
            ["sentInWindow"] = sent,
            ["scheduledPerSecond"] = options.Clients * options.Hz,
            ["sentPerSecond"] = Math.Round(sent / seconds, 1),
            ["drainSeconds"] = Math.Round(drained.Time.TotalSeconds, 2),
            ["wrongReplies"] = players.Sum(p => p.Wrong),
            ["sequenceGaps"] = players.Sum(p => p.Gaps),
            ["sendLatenessP99Ms"] = sendLateness?.P99Ms ?? 0,
            ["sendLatenessMaxMs"] = sendLateness?.MaxMs ?? 0,
        };
        return new ScenarioResult
        {
            Scenario = "tick",
            Description = $"{options.Clients} clients each PING at {options.Hz:0.##} Hz (open loop), {options.FloodersDescription}, {seconds:F0} s measured after {options.Warmup.TotalSeconds:F0} s warm-up; drain {drained.Time.TotalSeconds:F2} s: {drained.End}",
            Options = options.Describe(),
            DurationSeconds = seconds,
            Operation = "replies",
            Operations = received,
            Throughput = Math.Round(received / seconds, 1),
            Latency = latencies.Summarize(),
            Errors = players.Sum(p => p.ErrorFrames) + failed,
            FailedClients = failed,
            Lost = sent - received,
            OutOfOrder = players.Sum(p => p.OutOfOrder + p.Wrong),
            MissedTicks = players.Sum(p => p.MissedTicks),
            Server = ServerUsage.Between(options.ServerPid, before?.Server, after?.Server, received, seconds),
            GeneratorCpuSeconds = before is null || after is null ? null : Sample.GeneratorSeconds(before, after),
            Extra = extra,
            Flood = options.Flooders > 0 ? flood : null,
            Notes = [.. players.Select(p => p.Failure).Concat(players.Select(p => p.FirstError)).OfType<string>().Distinct().Take(3)],
        };
    }

    /// <summary>
    /// One ticker thread: client j of <paramref name="mine"/> (index i overall) has its ticks due at
    /// start + period × i / count + k × period, so in due order they are (k, then i): one cursor
    /// walks them, sleeping until each is due, and stops at the first due at or after the window.
    /// </summary>
    private static void Tick(Player[] mine, long start, double period, int count, Window window, LatencyRecorder lateness)
    {
        for (long tick = 0; ; tick++)
        {
            foreach (var player in mine)
            {
                var due = start + (long)(period * player.Index / count) + (long)(tick * period);
                if (due >= window.To)
                {
                    return;
                }

                var wait = due - Stopwatch.GetTimestamp();
                if (wait > 0)
                {
                    Thread.Sleep(TimeSpan.FromMilliseconds(Math.Ceiling(wait * 1000.0 / Stopwatch.Frequency)));
                }

                player.OnTick(due, period, window, lateness);
            }
        }
    }

    /// <summary>One client: its ticker writes the send counters, its receive loop the receive counters.</summary>
    private sealed class Player(int index, LoadClient client, LiveCounters counters) : IAsyncDisposable
    {
        private long _receivedInWindow;
        private long _nextSeq;
        private long _seq;
        private bool _sendFailed;

        public int Index => index;

        public long SentInWindow { get; private set; }

        public long MissedTicks { get; private set; }

        public long ReceivedInWindow => Volatile.Read(ref _receivedInWindow);

        public long OutOfOrder { get; private set; }

        public long Gaps { get; private set; }

        public long Wrong { get; private set; }

        public long ErrorFrames { get; private set; }

        public string? FirstError { get; private set; }

        public string? Failure { get; private set; }

        /// <summary>Sends this tick's PING unless the tick is a whole period late (then it is skipped and counted).</summary>
        public void OnTick(long due, double period, Window window, LatencyRecorder lateness)
        {
            if (_sendFailed)
            {
                return;
            }

            var now = Stopwatch.GetTimestamp();
            if (now - due >= period)
            {
                // Woken a whole period late (the generator starved of CPU, or a send blocked):
                // skipped and counted, never sent in a catch-up burst.
                if (window.Contains(due))
                {
                    MissedTicks++;
                }

                return;
            }

            try
            {
                client.Send(FrameWriter.Build(Commands.Ping, (index, _seq, now), static (writer, state) =>
                {
                    writer.WriteStartObject();
                    writer.WriteNumber("c"u8, state.index);
                    writer.WriteNumber("s"u8, state._seq);
                    writer.WriteNumber("t"u8, state.now);
                    writer.WriteEndObject();
                }).ToLengthPrefixed());
            }
            catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
            {
                Failure ??= $"send failed: {e.Message}";
                _sendFailed = true;
                return;
            }

            _seq++;
            if (window.Contains(now))
            {
                SentInWindow++;
                lateness.RecordTicks(now - due);
            }
        }

        public async Task ReceiveAsync(Window window, LatencyRecorder latencies, CancellationToken stop)
        {
            try
            {
                while (await client.ReceiveAsync(stop) is { } frame)
                {
                    var receivedAt = Stopwatch.GetTimestamp();
                    if (frame.Cmd == Commands.Pong)
                    {
                        OnPong(frame.Message.Utf8, receivedAt, window, latencies);
                    }
                    else if (frame.Cmd == Commands.Error)
                    {
                        ErrorFrames++;
                        FirstError ??= $"ERROR {frame.Message}";
                        counters.AddError();
                    }
                }

                Failure ??= "the server closed the connection";
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
            catch (Exception e) when (e is IOException or SocketException or InvalidDataException)
            {
                Failure ??= $"receive failed: {e.Message}";
                counters.AddError();
            }
        }

        private void OnPong(ReadOnlySpan<byte> message, long receivedAt, Window window, LatencyRecorder latencies)
        {
            if (!TryRead(message, out var from, out var seq, out var sentAt) || from != index)
            {
                Wrong++;
                FirstError ??= $"wrong PONG: {System.Text.Encoding.UTF8.GetString(message)}";
                return;
            }

            if (seq < _nextSeq)
            {
                OutOfOrder++; // A duplicate, or one overtaken by a later reply.
            }
            else
            {
                Gaps += seq - _nextSeq; // Missing so far: arrive later (out of order) or never (lost).
                _nextSeq = seq + 1;
            }

            counters.AddOperation();
            if (window.Contains(sentAt))
            {
                latencies.RecordTicks(receivedAt - sentAt);
                Volatile.Write(ref _receivedInWindow, _receivedInWindow + 1);
            }
        }

        /// <summary>Reads <c>{"c":C,"s":S,"t":T}</c> in any key order.</summary>
        private static bool TryRead(ReadOnlySpan<byte> json, out long from, out long seq, out long sentAt)
        {
            from = seq = sentAt = -1;
            try
            {
                var reader = new Utf8JsonReader(json);
                if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                {
                    return false;
                }

                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var key = reader.ValueTextEquals("c"u8) ? 'c' : reader.ValueTextEquals("s"u8) ? 's' : reader.ValueTextEquals("t"u8) ? 't' : '?';
                    reader.Read();
                    switch (key)
                    {
                        case 'c': from = reader.GetInt64(); break;
                        case 's': seq = reader.GetInt64(); break;
                        case 't': sentAt = reader.GetInt64(); break;
                        default: reader.Skip(); break;
                    }
                }
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
            {
                return false;
            }

            return from >= 0 && seq >= 0 && sentAt >= 0;
        }

        public ValueTask DisposeAsync() => client.DisposeAsync();
    }
}
