using System.Net;

namespace ActorGameServer.LoadTest;

/// <summary>Command-line options shared by the scenarios.</summary>
internal sealed record Options
{
    public required string Scenario { get; init; }
    public IPEndPoint Server { get; init; } = new(IPAddress.Loopback, 9300);
    public int Clients { get; init; } = 50;
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(2);
    public int Flooders { get; init; }

    /// <summary>Pings per second per client; 0 means closed loop (next ping as soon as the pong arrives).</summary>
    public double Hz { get; init; }
    public int Cycles { get; init; } = 10_000;
    public int? ServerPid { get; init; }

    public static Options Parse(string[] args)
    {
        if (args.Length == 0)
        {
            throw new ArgumentException("usage: LoadTest <ping|hold|cycles|slow-reader|shutdown> [--port N] [--clients N] [--seconds N] [--hz N] [--flooders N] [--cycles N] [--server-pid PID]");
        }

        var options = new Options { Scenario = args[0] };
        for (var i = 1; i < args.Length; i += 2)
        {
            var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value");
            options = args[i] switch
            {
                "--host" => options with { Server = new IPEndPoint(Loopback(value), options.Server.Port) },
                "--port" => options with { Server = new IPEndPoint(options.Server.Address, int.Parse(value)) },
                "--clients" => options with { Clients = int.Parse(value) },
                "--seconds" => options with { Duration = TimeSpan.FromSeconds(double.Parse(value)) },
                "--warmup" => options with { Warmup = TimeSpan.FromSeconds(double.Parse(value)) },
                "--flooders" => options with { Flooders = int.Parse(value) },
                "--hz" => options with { Hz = double.Parse(value) },
                "--cycles" => options with { Cycles = int.Parse(value) },
                "--server-pid" => options with { ServerPid = int.Parse(value) },
                _ => throw new ArgumentException($"unknown option {args[i]}"),
            };
        }

        return options;
    }

    /// <summary>Load is only ever aimed at this machine.</summary>
    private static IPAddress Loopback(string host)
    {
        var address = host == "localhost" ? IPAddress.Loopback : IPAddress.Parse(host);
        return IPAddress.IsLoopback(address) ? address : throw new ArgumentException($"{host} is not a loopback address; load tests target this machine only");
    }
}
