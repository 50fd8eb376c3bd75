namespace ActorGameServer.LoadTest;

/// <summary>
/// The server process as Linux sees it: CPU time (all of it, and the part spent in the kernel on
/// its behalf: system calls, and on loopback the receiving side's TCP work too), resident memory,
/// open sockets.
/// </summary>
internal sealed record ServerProcessStats(TimeSpan CpuTime, TimeSpan KernelCpuTime, long RssKb, int Sockets)
{
    private const double ClockTicksPerSecond = 100; // USER_HZ on Linux.

    public static ServerProcessStats? Read(int? pid)
    {
        if (pid is null)
        {
            return null;
        }

        // /proc/PID/stat: fields 14 and 15 (utime, stime) after the ")" that ends the command name.
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var kernelTicks = long.Parse(fields[12]);
        var ticks = long.Parse(fields[11]) + kernelTicks;
        var rss = File.ReadLines($"/proc/{pid}/status").First(line => line.StartsWith("VmRSS:", StringComparison.Ordinal));
        var sockets = new DirectoryInfo($"/proc/{pid}/fd").EnumerateFileSystemInfos()
            .Count(fd => fd.LinkTarget?.StartsWith("socket:", StringComparison.Ordinal) == true);
        return new ServerProcessStats(
            TimeSpan.FromSeconds(ticks / ClockTicksPerSecond),
            TimeSpan.FromSeconds(kernelTicks / ClockTicksPerSecond),
            long.Parse(rss.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]),
            sockets);
    }

    /// <summary>Several server processes (the nodes of a cluster) as one: CPU, memory and sockets added up.</summary>
    public static ServerProcessStats? Read(IReadOnlyList<int> pids) => pids.Count switch
    {
        0 => null,
        1 => Read(pids[0]),
        _ => pids.Select(pid => Read(pid)!).Aggregate((a, b) => new ServerProcessStats(
            a.CpuTime + b.CpuTime, a.KernelCpuTime + b.KernelCpuTime, a.RssKb + b.RssKb, a.Sockets + b.Sockets)),
    };

    public static bool IsRunning(int pid) => Directory.Exists($"/proc/{pid}");
}
