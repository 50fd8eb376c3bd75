using System.Diagnostics;
using Spectre.Console;

namespace ActorGameServer.LoadTest;

/// <summary>Counters the scenarios bump while they run, read by the live display.</summary>
internal sealed class LiveCounters(string operation)
{
    private long _operations;
    private long _errors;

    public string Operation { get; } = operation;

    public string Phase { get; set; } = "connecting";

    public long Operations => Interlocked.Read(ref _operations);

    public long Errors => Interlocked.Read(ref _errors);

    public void AddOperation() => Interlocked.Increment(ref _operations);

    public void AddError() => Interlocked.Increment(ref _errors);
}

/// <summary>
/// A Spectre.Console status line, redrawn every 500 ms while a scenario runs: phase, elapsed
/// time, operations so far, the rate over the last half second, errors. Only on an interactive
/// terminal: when stdout is redirected, or JSON goes to stdout, nothing is drawn.
/// </summary>
internal static class LiveProgress
{
    public static bool Enabled { get; set; }

    public static bool TerminalIsInteractive => !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    public static async Task<T> RunAsync<T>(string scenario, LiveCounters counters, Func<Task<T>> work)
    {
        var task = work();
        if (!Enabled)
        {
            return await task;
        }

        await AnsiConsole.Status().Spinner(Spinner.Known.Dots).StartAsync(scenario, async context =>
        {
            var started = Stopwatch.GetTimestamp();
            var last = started;
            var lastOperations = 0L;
            while (!task.IsCompleted)
            {
                await Task.WhenAny(task, Task.Delay(500));
                var now = Stopwatch.GetTimestamp();
                var operations = counters.Operations;
                var rate = (operations - lastOperations) / Math.Max(1e-3, (double)(now - last) / Stopwatch.Frequency);
                (last, lastOperations) = (now, operations);
                var errors = counters.Errors;
                context.Status(
                    $"[bold]{scenario}[/] {Markup.Escape(counters.Phase)}  {Stopwatch.GetElapsedTime(started).TotalSeconds,6:F1} s  " +
                    $"{operations,12:N0} {Markup.Escape(counters.Operation)}  {rate,10:N0}/s  " +
                    (errors > 0 ? $"[red]errors {errors:N0}[/]" : "errors 0"));
            }
        });
        return await task;
    }
}
