using System.Diagnostics;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ActorGameServer.LoadTest;

/// <summary>
/// What every scenario reports, in one shape: printed as a summary, and written as JSON with
/// <c>--json FILE</c> (or <c>--json -</c> for stdout) for scripts such as bench/compare.sh.
/// Counts that do not apply to a scenario are 0; <see cref="Extra"/> holds scenario-specific
/// numbers under stable names (for example hold's <c>acceptSeconds</c> and <c>rssKbPerConnection</c>).
/// </summary>
internal sealed record ScenarioResult
{
    public required string Scenario { get; init; }

    /// <summary>One line saying what ran, for the printed summary.</summary>
    public required string Description { get; init; }

    public required IReadOnlyDictionary<string, object?> Options { get; init; }

    public DateTimeOffset Finished { get; init; } = DateTimeOffset.UtcNow;

    /// <summary>The measured window (warm-up excluded), in seconds.</summary>
    public double DurationSeconds { get; init; }

    /// <summary>What one operation is: "round trips", "replies", "deliveries", "connections"...</summary>
    public required string Operation { get; init; }

    /// <summary>Operations completed in the measured window.</summary>
    public long Operations { get; init; }

    /// <summary>Operations per second over the measured window.</summary>
    public double Throughput { get; init; }

    public LatencySummary? Latency { get; init; }

    /// <summary>ERROR frames received plus clients that failed (disconnected, bad frame, timed out).</summary>
    public long Errors { get; init; }

    public long FailedClients { get; init; }

    /// <summary>Requests sent in the window whose reply (or delivery) never arrived, after the drain.</summary>
    public long Lost { get; init; }

    /// <summary>Replies or deliveries that were wrong, duplicated or out of sequence order.</summary>
    public long OutOfOrder { get; init; }

    /// <summary>Open-loop ticks skipped because the generator woke a whole period late.</summary>
    public long MissedTicks { get; init; }

    public ServerUsage? Server { get; init; }

    /// <summary>The load generator's own CPU over the measured window (it shares the cores with the server).</summary>
    public double? GeneratorCpuSeconds { get; init; }

    public SortedDictionary<string, double> Extra { get; init; } = [];

    /// <summary>What the flooders saw (ping and tick with --flooders), else null.</summary>
    public FloodReport? Flood { get; init; }

    /// <summary>Distinct failure messages, at most a few.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>True when nothing was lost, wrong or out of order and no client failed.</summary>
    public bool Clean => Lost == 0 && OutOfOrder == 0 && Errors == 0;

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public void Print(TextWriter output)
    {
        output.WriteLine($"{Scenario}: {Description}");
        output.WriteLine($"  {Operation}: {Operations} in {DurationSeconds:F1} s ({Throughput:F0}/s)");
        output.WriteLine($"  latency: {(Latency is null ? "no samples" : Latency.ToString())}");
        output.WriteLine($"  errors {Errors} (failed clients {FailedClients}), lost {Lost}, out-of-order or wrong {OutOfOrder}, missed ticks {MissedTicks}");
        if (Server is { } server)
        {
            var perOp = server.CpuMicrosecondsPerOperation is { } us
                ? $", {us:F2} µs per {Singular(Operation)} ({server.KernelMicrosecondsPerOperation:F2} of them in the kernel)"
                : "";
            output.WriteLine($"  server (pid {server.Pid}): CPU {server.CpuSeconds:F2} s ({server.CpuPercentOfOneCore:F0} % of one core){perOp}; RSS {server.RssKbBefore / 1024.0:F1} -> {server.RssKbAfter / 1024.0:F1} MB; sockets {server.SocketsBefore} -> {server.SocketsAfter}");
        }

        if (GeneratorCpuSeconds is { } generator)
        {
            output.WriteLine($"  load generator CPU: {generator:F2} s");
        }

        if (Flood is { } flood)
        {
            output.WriteLine($"  flooders: {flood}");
            if (flood.LastErrorBeforeClose is { } last)
            {
                output.WriteLine($"    last frame before a close: {last}");
            }
        }

        if (Extra.Count > 0)
        {
            output.WriteLine($"  {string.Join(", ", Extra.Select(e => $"{e.Key} {e.Value:0.###}"))}");
        }

        foreach (var note in Notes)
        {
            output.WriteLine($"    {note}");
        }
    }

    private static string Singular(string operation) =>
        operation.EndsWith("ies", StringComparison.Ordinal) ? $"{operation[..^3]}y" : operation.EndsWith('s') ? operation[..^1] : operation;
}

/// <summary>The server process over the measured window, from /proc (only with --server-pid).</summary>
internal sealed record ServerUsage(
    int Pid,
    double CpuSeconds,
    double CpuPercentOfOneCore,
    double? CpuMicrosecondsPerOperation,
    double KernelCpuSeconds,
    double? KernelMicrosecondsPerOperation,
    long RssKbBefore,
    long RssKbAfter,
    int SocketsBefore,
    int SocketsAfter)
{
    public static ServerUsage? Between(int? pid, ServerProcessStats? before, ServerProcessStats? after, long operations, double seconds)
    {
        if (pid is null || before is null || after is null)
        {
            return null;
        }

        var cpu = (after.CpuTime - before.CpuTime).TotalSeconds;
        var kernel = (after.KernelCpuTime - before.KernelCpuTime).TotalSeconds;
        return new ServerUsage(
            pid.Value,
            cpu,
            seconds > 0 ? Math.Round(cpu / seconds * 100, 1) : 0,
            operations > 0 ? Math.Round(cpu * 1e6 / operations, 3) : null,
            kernel,
            operations > 0 ? Math.Round(kernel * 1e6 / operations, 3) : null,
            before.RssKb,
            after.RssKb,
            before.Sockets,
            after.Sockets);
    }
}

/// <summary>The server's /proc numbers and this process's CPU at one moment.</summary>
internal sealed record Sample(ServerProcessStats? Server, TimeSpan GeneratorCpu, long Timestamp)
{
    public static Sample Take(int? serverPid) => Take(serverPid is { } pid ? [pid] : []);

    public static Sample Take(IReadOnlyList<int> serverPids)
    {
        using var self = Process.GetCurrentProcess();
        return new Sample(ServerProcessStats.Read(serverPids), self.TotalProcessorTime, Stopwatch.GetTimestamp());
    }

    public static double GeneratorSeconds(Sample before, Sample after) => Math.Round((after.GeneratorCpu - before.GeneratorCpu).TotalSeconds, 3);
}
