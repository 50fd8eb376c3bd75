using System.Diagnostics;
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
    public static async Task RunAsync(Options options)
    {
        if (options.Rooms < 1 || options.Members < 2 || options.Hz <= 0)
        {
            Console.Error.WriteLine("rooms needs --rooms >= 1, --members >= 2 and --hz > 0");
            return;
        }

        var count = options.Rooms * options.Members;
        var setupStarted = Stopwatch.GetTimestamp();
        var members = await ConnectAllAsync(options);
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

        using var stopReceiving = new CancellationTokenSource();
        var receivers = members.Select(m => Task.Run(() => m.ReceiveAsync(window, stopReceiving.Token))).ToArray();

        Sample? before = null;
        Sample? after = null;
        var sampling = Task.Run(async () =>
        {
            await DelayUntilAsync(window.From);
            before = Sample.Take(options.ServerPid);
            await DelayUntilAsync(window.To);
            after = Sample.Take(options.ServerPid);
        });

        await Task.WhenAll(members.Select((m, i) => Task.Run(() => SendAsync(m, start + (long)(period * i / count), period, window))));
        await sampling;

        // Deliveries still in flight: wait until every one sent in the window has arrived, or
        // none has arrived for 2 s (the rest are lost), or --drain has passed (an overloaded
        // server can be many seconds behind; what is missing then is late, maybe not lost).
        var expected = members.Sum(m => m.SentInWindow) * (options.Members - 1);
        var drainStarted = Stopwatch.GetTimestamp();
        var lastProgress = drainStarted;
        var received = members.Sum(m => m.ReceivedInWindow);
        var drainEnd = "all arrived";
        while (received < expected)
        {
            await Task.Delay(20);
            var now = members.Sum(m => m.ReceivedInWindow);
            if (now > received)
            {
                received = now;
                lastProgress = Stopwatch.GetTimestamp();
            }
            else if (Stopwatch.GetElapsedTime(lastProgress) >= TimeSpan.FromSeconds(2))
            {
                drainEnd = "nothing arrived for 2 s";
                break;
            }

            if (Stopwatch.GetElapsedTime(drainStarted) >= options.Drain)
            {
                drainEnd = "--drain limit reached; still arriving, so part of this is late rather than lost";
                break;
            }
        }

        var drained = (Stopwatch.GetElapsedTime(drainStarted), drainEnd);
        await stopReceiving.CancelAsync();
        await Task.WhenAll(receivers);
        foreach (var member in members)
        {
            await member.DisposeAsync();
        }

        Report(options, members, setup, drained, before!, after!);
    }

    private static void Report(Options options, Member[] members, TimeSpan setup, (TimeSpan Time, string End) drained, Sample before, Sample after)
    {
        var count = members.Length;
        var seconds = options.Duration.TotalSeconds;
        var sent = members.Sum(m => m.SentInWindow);
        var expected = sent * (options.Members - 1);
        var received = members.Sum(m => m.ReceivedInWindow);
        var latencies = new Latencies();
        var lateness = new Latencies();
        foreach (var member in members)
        {
            latencies.AddRange(member.Latencies);
            lateness.AddRange(member.SendLateness);
        }

        Console.WriteLine($"rooms: {options.Rooms} rooms x {options.Members} members ({count} clients, {options.Client} receive), RELAY at {options.Hz:F0} Hz each, {seconds:F0} s measured after {options.Warmup.TotalSeconds:F0} s warm-up; set up in {setup.TotalSeconds:F1} s");
        Console.WriteLine($"  relays sent: {sent} ({sent / seconds:F0}/s of {count * options.Hz:F0}/s scheduled); missed ticks: {members.Sum(m => m.MissedTicks)}; send lateness p50 {lateness.PercentileMs(50):F3} ms, p99 {lateness.PercentileMs(99):F3} ms, max {lateness.PercentileMs(100):F3} ms");
        Console.WriteLine($"  deliveries: expected {expected} (sent x {options.Members - 1}), received {received} ({received / seconds:F0}/s), lost {expected - received} (drain {drained.Time.TotalSeconds:F2} s: {drained.End})");
        Console.WriteLine($"  out-of-order or duplicate: {members.Sum(m => m.Disordered)} in {members.Sum(m => m.DisorderedPairs.Count)} (sender, receiver) pairs; gaps in sequence: {members.Sum(m => m.Gaps)}; from a non-member: {members.Sum(m => m.Strangers)}");
        Console.WriteLine($"  delivery latency: {latencies.Summary()}");
        Console.WriteLine($"  errors: {members.Sum(m => m.ErrorFrames)} ERROR frames, {members.Count(m => m.Failure is not null)} clients failed");
        foreach (var failure in members.Select(m => m.Failure).OfType<string>().Concat(members.Select(m => m.FirstError).OfType<string>()).Distinct().Take(3))
        {
            Console.WriteLine($"    {failure}");
        }

        if (received > 0)
        {
            var generatorCpu = after.GeneratorCpu - before.GeneratorCpu;
            if (before.Server is not null && after.Server is not null)
            {
                var cpu = after.Server.CpuTime - before.Server.CpuTime;
                Console.WriteLine($"  server CPU: {cpu.TotalSeconds:F2} s ({cpu.TotalSeconds / seconds:P0} of one core), {cpu.TotalMicroseconds / received:F2} µs per delivered message; RSS {after.Server.RssKb / 1024.0:F1} MB");
            }

            Console.WriteLine($"  load generator CPU: {generatorCpu.TotalSeconds:F2} s ({generatorCpu.TotalSeconds / seconds:P0} of one core), {generatorCpu.TotalMicroseconds / received:F2} µs per delivered message");
        }
    }

    /// <summary>Open loop on an absolute schedule: tick k is due at first + k × period, whatever earlier sends took.</summary>
    private static async Task SendAsync(Member member, long first, double period, Window window)
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
                member.SendLateness.Add(Math.Max(0, now - due));
            }
        }
    }

    private static async Task<Member[]> ConnectAllAsync(Options options)
    {
        var members = new Member[options.Rooms * options.Members];
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await Parallel.ForAsync(0, members.Length, new ParallelOptions { MaxDegreeOfParallelism = 100, CancellationToken = timeout.Token }, async (i, ct) =>
        {
            var room = $"bench-{i / options.Members}";
            var name = $"r{i / options.Members}-m{i % options.Members}";
            members[i] = options.Client == "gameclient"
                ? await GameClientMember.ConnectAsync(options, room, name, ct)
                : await RawMember.ConnectAsync(options, room, name, ct);
        });
        return members;
    }

    private static long Ticks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);

    private static async Task DelayUntilAsync(long timestamp)
    {
        var wait = timestamp - Stopwatch.GetTimestamp();
        if (wait > 0)
        {
            await Task.Delay(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency));
        }
    }

    /// <summary>Relays sent in [From, To) (Stopwatch timestamps of this process) are measured.</summary>
    private sealed record Window(long From, long To);

    private sealed record Sample(ServerProcessStats? Server, TimeSpan GeneratorCpu)
    {
        public static Sample Take(int? serverPid)
        {
            using var self = Process.GetCurrentProcess();
            return new Sample(ServerProcessStats.Read(serverPid), self.TotalProcessorTime);
        }
    }

    /// <summary>
    /// One player: its sender loop writes the send counters, its receive loop the receive
    /// counters; only the drain check reads <see cref="ReceivedInWindow"/> from elsewhere.
    /// </summary>
    private abstract class Member(string room, long userId) : IAsyncDisposable
    {
        private readonly Dictionary<long, long> _lastSeq = [];
        private long _receivedInWindow;

        public string Room { get; } = room;

        public long UserId { get; } = userId;

        public long SentInWindow { get; set; }

        public long MissedTicks { get; set; }

        public Latencies SendLateness { get; } = new();

        public long ReceivedInWindow => Volatile.Read(ref _receivedInWindow);

        public Latencies Latencies { get; } = new();

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

        public abstract Task ReceiveAsync(Window window, CancellationToken stop);

        public abstract ValueTask DisposeAsync();

        protected void OnRelay(long from, long seq, long sentAt, long receivedAt, Window window)
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

            if (sentAt >= window.From && sentAt < window.To)
            {
                Latencies.Add(receivedAt - sentAt);
                Volatile.Write(ref _receivedInWindow, _receivedInWindow + 1);
            }
        }

        protected void OnError(string message)
        {
            ErrorFrames++;
            FirstError ??= $"ERROR {message}";
        }
    }

    /// <summary>Everything through GameClient: each frame parsed into a JsonDocument and queued on its push channel.</summary>
    private sealed class GameClientMember(GameClient client, string room) : Member(room, client.UserId)
    {
        public static async Task<Member> ConnectAsync(Options options, string room, string name, CancellationToken ct)
        {
            var client = await GameClient.ConnectAsync(options.Server.Address.ToString(), options.Server.Port, ct);
            await client.HelloAsync(name, ct);
            await client.JoinAsync(room, ct);
            return new GameClientMember(client, room);
        }

        public override Task RelayAsync(string dataJson) => client.RelayAsync(Room, dataJson);

        public override async Task ReceiveAsync(Window window, CancellationToken stop)
        {
            try
            {
                await foreach (var frame in client.ReadPushesAsync(stop))
                {
                    var receivedAt = Stopwatch.GetTimestamp();
                    if (frame.Cmd == Commands.Relay)
                    {
                        var data = frame.Message.GetProperty("data");
                        OnRelay(frame.Message.GetProperty("from").GetInt64(), data.GetProperty("s").GetInt64(), data.GetProperty("t").GetInt64(), receivedAt, window);
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
    private sealed class RawMember(LoadClient client, string room, long userId) : Member(room, userId)
    {
        private readonly string _relayPrefix = $"{{\"cmd\":\"RELAY\",\"message\":{{\"room\":{JsonSerializer.Serialize(room)},\"data\":";

        public static async Task<Member> ConnectAsync(Options options, string room, string name, CancellationToken ct)
        {
            var client = await LoadClient.ConnectAsync(options.Server, ct);
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

                return new RawMember(client, room, userId);
            }
            catch
            {
                await client.DisposeAsync();
                throw;
            }
        }

        public override Task RelayAsync(string dataJson) => client.SendAsync($"{_relayPrefix}{dataJson}}}}}");

        public override async Task ReceiveAsync(Window window, CancellationToken stop)
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
                            OnRelay(from, seq, sentAt, receivedAt, window);
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
