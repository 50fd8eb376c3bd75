using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using ActorGameServer.Client;
using ActorGameServer.Protocol;

namespace ActorGameServer.LoadTest;

/// <summary>
/// A game's traffic: R rooms of M members, every member RELAYs to its room at H Hz, open loop.
/// Each relay carries the sender's sequence number and its send time (Stopwatch ticks of this
/// process, which also receives), so every delivery gives a latency and an order check per
/// (sender, receiver) pair. Relays and deliveries are assigned to the measured window by their
/// send time, so nothing sent in the warm-up counts, and everything sent in the window is
/// waited for (up to --drain) before lost deliveries are counted.
/// </summary>
internal static class RoomsScenario
{
    public static async Task<ScenarioResult> RunAsync(Options options)
    {
        if (options.Rooms < 1 || options.Members < 2 || options.Hz <= 0)
        {
            throw new ArgumentException("rooms needs --rooms >= 1, --members >= 2 and --hz > 0");
        }

        var counters = new LiveCounters("deliveries");
        return await LiveProgress.RunAsync("rooms", counters, () => RunAsync(options, counters));
    }

    private static async Task<ScenarioResult> RunAsync(Options options, LiveCounters counters)
    {
        var count = options.Rooms * options.Members;
        var setupStarted = Stopwatch.GetTimestamp();
        var members = await ConnectAllAsync(options, counters);
        var setup = Stopwatch.GetElapsedTime(setupStarted);
        var byUserId = members.ToDictionary(m => m.UserId);
        foreach (var member in members)
        {
            member.ExpectPeers(members.Where(p => p.Room == member.Room && p != member).Select(p => p.UserId));
        }

        // Every client starts half a second from now, spread evenly over one period so the
        // server sees a steady stream rather than 1000 relays at once every 50 ms.
        var period = Stopwatch.Frequency / options.Hz;
        var start = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 2;
        var window = new Window(
            From: start + Ticks(options.Warmup),
            To: start + Ticks(options.Warmup) + Ticks(options.Duration));
        var latencies = new LatencyRecorder();
        var lateness = new LatencyRecorder();
        counters.Phase = "warm-up";

        using var stopReceiving = new CancellationTokenSource();
        var receivers = members.Select(m => Task.Run(() => m.ReceiveAsync(window, latencies, stopReceiving.Token))).ToArray();

        Sample? before = null;
        Sample? after = null;
        var sampling = Task.Run(async () =>
        {
            await Window.DelayUntilAsync(window.From);
            before = Sample.Take(options.ServerPids);
            counters.Phase = "measuring";
            await Window.DelayUntilAsync(window.To);
            after = Sample.Take(options.ServerPids);
            counters.Phase = "draining";
        });

        await Task.WhenAll(members.Select((m, i) => Task.Run(() => SendAsync(m, start + (long)(period * i / count), period, window, lateness))));
        await sampling;

        // Deliveries still in flight: wait until every one sent in the window has arrived.
        var expected = members.Sum(m => m.SentInWindow) * (options.Members - 1);
        var drained = await Window.DrainAsync(() => members.Sum(m => m.ReceivedInWindow), expected, options.Drain);
        await stopReceiving.CancelAsync();
        await Task.WhenAll(receivers);
        foreach (var member in members)
        {
            await member.DisposeAsync();
        }

        return Report(options, members, setup, drained, before!, after!, latencies, lateness);
    }

    private static ScenarioResult Report(Options options, Member[] members, TimeSpan setup, (TimeSpan Time, string End) drained, Sample before, Sample after, LatencyRecorder latencies, LatencyRecorder lateness)
    {
        var count = members.Length;
        var seconds = options.Duration.TotalSeconds;
        var sent = members.Sum(m => m.SentInWindow);
        var expected = sent * (options.Members - 1);
        var received = members.Sum(m => m.ReceivedInWindow);
        var failed = members.Count(m => m.Failure is not null);
        var sendLateness = lateness.Summarize();
        return new ScenarioResult
        {
            Scenario = "rooms",
            Description = $"{options.Rooms} rooms x {options.Members} members ({count} clients, {options.Client} receive), RELAY at {options.Hz:0.##} Hz each, {seconds:F0} s measured after {options.Warmup.TotalSeconds:F0} s warm-up; set up in {setup.TotalSeconds:F1} s; drain {drained.Time.TotalSeconds:F2} s: {drained.End}",
            Options = options.Describe(),
            DurationSeconds = seconds,
            Operation = "deliveries",
            Operations = received,
            Throughput = Math.Round(received / seconds, 1),
            Latency = latencies.Summarize(),
            Errors = members.Sum(m => m.ErrorFrames) + failed,
            FailedClients = failed,
            Lost = expected - received,
            OutOfOrder = members.Sum(m => m.Disordered),
            MissedTicks = members.Sum(m => m.MissedTicks),
            Server = ServerUsage.Between(options.ServerPid, before.Server, after.Server, received, seconds),
            GeneratorCpuSeconds = Sample.GeneratorSeconds(before, after),
            Extra = new SortedDictionary<string, double>
            {
                ["setupSeconds"] = Math.Round(setup.TotalSeconds, 2),
                ["relaysSent"] = sent,
                ["relaysScheduledPerSecond"] = count * options.Hz,
                ["relaysSentPerSecond"] = Math.Round(sent / seconds, 1),
                ["deliveriesExpected"] = expected,
                ["drainSeconds"] = Math.Round(drained.Time.TotalSeconds, 2),
                ["disorderedPairs"] = members.Sum(m => m.DisorderedPairs.Count),
                ["sequenceGaps"] = members.Sum(m => m.Gaps),
                ["fromNonMember"] = members.Sum(m => m.Strangers),
                ["sendLatenessP50Ms"] = sendLateness?.P50Ms ?? 0,
                ["sendLatenessP99Ms"] = sendLateness?.P99Ms ?? 0,
                ["sendLatenessMaxMs"] = sendLateness?.MaxMs ?? 0,
            },
            Notes = [.. members.Select(m => m.Failure).OfType<string>().Concat(members.Select(m => m.FirstError).OfType<string>()).Distinct().Take(3)],
        };
    }

    /// <summary>Open loop on an absolute schedule: tick k is due at first + k × period, whatever earlier sends took.</summary>
    private static async Task SendAsync(Member member, long first, double period, Window window, LatencyRecorder lateness)
    {
        long seq = 0;
        for (long tick = 0; ; tick++)
        {
            var due = first + (long)(tick * period);
            var wait = due - Stopwatch.GetTimestamp();
            if (wait > 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Ceiling(wait * 1000.0 / Stopwatch.Frequency)));
            }

            var now = Stopwatch.GetTimestamp();
            if (now - due >= period)
            {
                // Woken a whole period late (a slow send, or the generator starved of CPU): those
                // ticks are skipped and counted, not sent in a burst and not silently lost.
                var skipped = (long)((now - due) / period);
                if (due >= window.From && due < window.To)
                {
                    member.MissedTicks += skipped;
                }

                tick += skipped;
                due = first + (long)(tick * period);
            }

            if (due >= window.To)
            {
                return;
            }

            var inWindow = now >= window.From && now < window.To;
            try
            {
                await member.RelayAsync($"{{\"s\":{seq},\"t\":{now}}}");
            }
            catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or InvalidOperationException)
            {
                member.Failure ??= $"send failed: {e.Message}";
                return;
            }

            seq++;
            if (inWindow)
            {
                member.SentInWindow++;
                lateness.RecordTicks(now - due);
            }
        }
    }

    private static async Task<Member[]> ConnectAllAsync(Options options, LiveCounters counters)
    {
        var members = new Member[options.Rooms * options.Members];
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await Parallel.ForAsync(0, members.Length, new ParallelOptions { MaxDegreeOfParallelism = 100, CancellationToken = timeout.Token }, async (i, ct) =>
        {
            var room = $"bench-{i / options.Members}";
            var name = $"r{i / options.Members}-m{i % options.Members}";
            members[i] = options.Client == "gameclient"
                ? await GameClientMember.ConnectAsync(options.ServerFor(i), room, name, counters, ct)
                : await RawMember.ConnectAsync(options.ServerFor(i), room, name, counters, ct);
        });
        return members;
    }

    private static long Ticks(TimeSpan span) => Window.Ticks(span);

    /// <summary>
    /// One player: its sender loop writes the send counters, its receive loop the receive
    /// counters; only the drain check reads <see cref="ReceivedInWindow"/> from elsewhere.
    /// </summary>
    private abstract class Member(string room, long userId, LiveCounters counters) : IAsyncDisposable
    {
        private readonly Dictionary<long, long> _lastSeq = [];
        private long _receivedInWindow;

        public string Room { get; } = room;

        public long UserId { get; } = userId;

        public long SentInWindow { get; set; }

        public long MissedTicks { get; set; }

        public long ReceivedInWindow => Volatile.Read(ref _receivedInWindow);

        public long Disordered { get; private set; }

        public HashSet<long> DisorderedPairs { get; } = [];

        public long Gaps { get; private set; }

        public long Strangers { get; private set; }

        public long ErrorFrames { get; private set; }

        public string? FirstError { get; private set; }

        public string? Failure { get; set; }

        public void ExpectPeers(IEnumerable<long> userIds)
        {
            foreach (var id in userIds)
            {
                _lastSeq[id] = -1;
            }
        }

        public abstract Task RelayAsync(string dataJson);

        public abstract Task ReceiveAsync(Window window, LatencyRecorder latencies, CancellationToken stop);

        public abstract ValueTask DisposeAsync();

        protected void OnRelay(long from, long seq, long sentAt, long receivedAt, Window window, LatencyRecorder latencies)
        {
            if (!_lastSeq.TryGetValue(from, out var last))
            {
                Strangers++;
                return;
            }

            if (seq <= last)
            {
                Disordered++;
                DisorderedPairs.Add(from);
            }
            else
            {
                Gaps += seq - last - 1;
                _lastSeq[from] = seq;
            }

            counters.AddOperation();
            if (window.Contains(sentAt))
            {
                latencies.RecordTicks(receivedAt - sentAt);
                Volatile.Write(ref _receivedInWindow, _receivedInWindow + 1);
            }
        }

        protected void OnError(string message)
        {
            ErrorFrames++;
            counters.AddError();
            FirstError ??= $"ERROR {message}";
        }
    }

    /// <summary>Everything through GameClient: each frame parsed into a JsonDocument and queued on its push channel.</summary>
    private sealed class GameClientMember(GameClient client, string room, LiveCounters counters) : Member(room, client.UserId, counters)
    {
        public static async Task<Member> ConnectAsync(IPEndPoint server, string room, string name, LiveCounters counters, CancellationToken ct)
        {
            var client = await GameClient.ConnectAsync(server.Address.ToString(), server.Port, ct);
            await client.HelloAsync(name, ct);
            await client.JoinAsync(room, ct);
            return new GameClientMember(client, room, counters);
        }

        public override Task RelayAsync(string dataJson) => client.RelayAsync(Room, dataJson);

        public override async Task ReceiveAsync(Window window, LatencyRecorder latencies, CancellationToken stop)
        {
            try
            {
                await foreach (var frame in client.ReadPushesAsync(stop))
                {
                    var receivedAt = Stopwatch.GetTimestamp();
                    if (frame.Cmd == Commands.Relay)
                    {
                        var data = frame.Message.GetProperty("data");
                        OnRelay(frame.Message.GetProperty("from").GetInt64(), data.GetProperty("s").GetInt64(), data.GetProperty("t").GetInt64(), receivedAt, window, latencies);
                    }
                    else if (frame.Cmd == Commands.Error)
                    {
                        OnError(frame.RawMessage.ToString());
                    }
                }

                Failure ??= "the server closed the connection";
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
            catch (Exception e) when (e is IOException or SocketException or InvalidDataException or InvalidOperationException or FormatException or KeyNotFoundException)
            {
                Failure ??= $"receive failed: {e.Message}";
            }
        }

        public override ValueTask DisposeAsync() => client.DisposeAsync();
    }

    /// <summary>
    /// Raw frames through LoadClient: the envelope parser the server uses, then one
    /// Utf8JsonReader pass over the message for from, s and t; no JsonDocument, no channel.
    /// </summary>
    private sealed class RawMember(LoadClient client, string room, long userId, LiveCounters counters) : Member(room, userId, counters)
    {
        private readonly string _relayPrefix = $"{{\"cmd\":\"RELAY\",\"message\":{{\"room\":{JsonSerializer.Serialize(room)},\"data\":";

        public static async Task<Member> ConnectAsync(IPEndPoint server, string room, string name, LiveCounters counters, CancellationToken ct)
        {
            var client = await LoadClient.ConnectAsync(server, ct);
            try
            {
                var welcome = await client.ExpectAsync(Commands.Welcome, ct);
                using var parsed = JsonDocument.Parse(welcome.Message.Utf8.ToArray());
                var userId = parsed.RootElement.GetProperty("user_id").GetInt64();
                await client.SendAsync($"{{\"cmd\":\"HELLO\",\"message\":{{\"name\":{JsonSerializer.Serialize(name)}}}}}", ct);
                await client.ExpectAsync(Commands.HelloOk, ct);
                await client.SendAsync($"{{\"cmd\":\"JOIN\",\"message\":{{\"room\":{JsonSerializer.Serialize(room)}}}}}", ct);
                while (await client.ReceiveAsync(ct) is { } frame && frame.Cmd != Commands.Joined)
                {
                    // PRESENCE from members joining at the same time may come first.
                    if (frame.Cmd == Commands.Error)
                    {
                        throw new InvalidDataException($"JOIN {room} failed: {frame.Message}");
                    }
                }

                return new RawMember(client, room, userId, counters);
            }
            catch
            {
                await client.DisposeAsync();
                throw;
            }
        }

        public override Task RelayAsync(string dataJson) => client.SendAsync($"{_relayPrefix}{dataJson}}}}}");

        public override async Task ReceiveAsync(Window window, LatencyRecorder latencies, CancellationToken stop)
        {
            try
            {
                while (await client.ReceiveAsync(stop) is { } frame)
                {
                    var receivedAt = Stopwatch.GetTimestamp();
                    if (frame.Cmd == Commands.Relay)
                    {
                        if (TryReadRelay(frame.Message.Utf8, out var from, out var seq, out var sentAt))
                        {
                            OnRelay(from, seq, sentAt, receivedAt, window, latencies);
                        }
                        else
                        {
                            OnError($"unreadable RELAY {frame.Message}");
                        }
                    }
                    else if (frame.Cmd == Commands.Error)
                    {
                        OnError(frame.Message.ToString());
                    }
                }

                Failure ??= "the server closed the connection";
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
            catch (Exception e) when (e is IOException or SocketException or InvalidDataException or InvalidOperationException or FormatException or KeyNotFoundException)
            {
                Failure ??= $"receive failed: {e.Message}";
            }
        }

        public override ValueTask DisposeAsync() => client.DisposeAsync();

        /// <summary>Reads <c>{"room":..,"from":F,"data":{"s":S,"t":T}}</c> in any key order.</summary>
        private static bool TryReadRelay(ReadOnlySpan<byte> json, out long from, out long seq, out long sentAt)
        {
            from = seq = sentAt = -1;
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("from"u8))
                {
                    reader.Read();
                    from = reader.GetInt64();
                }
                else if (reader.ValueTextEquals("data"u8))
                {
                    if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                    {
                        return false;
                    }

                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        var isSeq = reader.ValueTextEquals("s"u8);
                        var isTime = reader.ValueTextEquals("t"u8);
                        reader.Read();
                        if (isSeq)
                        {
                            seq = reader.GetInt64();
                        }
                        else if (isTime)
                        {
                            sentAt = reader.GetInt64();
                        }
                        else
                        {
                            reader.Skip();
                        }
                    }
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            return from >= 0 && seq >= 0 && sentAt >= 0;
        }
    }
}
