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

    /// <summary>rooms: how many rooms, and members in each.</summary>
    public int Rooms { get; init; } = 100;
    public int Members { get; init; } = 10;

    /// <summary>rooms: the longest to wait after the last relay for deliveries still in flight.</summary>
    public TimeSpan Drain { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// rooms: receive raw frames through LoadClient (default), or through GameClient's push
    /// stream, which parses every frame into a JsonDocument: about 0.6 µs more per delivery,
    /// roughly a quarter of the generator's CPU, on cores the server shares (docs/PERFORMANCE.md).
    /// </summary>
    public string Client { get; init; } = "raw";

    public static Options Parse(string[] args)
    {
        if (args.Length == 0)
        {
            throw new ArgumentException("usage: LoadTest <ping|hold|cycles|slow-reader|shutdown|rooms> [--host IP] [--port N] [--clients N] [--seconds|--duration N] [--warmup N] [--hz N] [--flooders N] [--cycles N] [--rooms N] [--members N] [--drain N] [--client raw|gameclient] [--server-pid PID]");
        }

        var options = args[0] switch
        {
            // A game: every member sends 20 times a second, measured long enough to see the tail.
            "rooms" => new Options { Scenario = args[0], Hz = 20, Duration = TimeSpan.FromSeconds(30), Warmup = TimeSpan.FromSeconds(5) },
            _ => new Options { Scenario = args[0] },
        };
        for (var i = 1; i < args.Length; i += 2)
        {
            var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value");
            options = args[i] switch
            {
                "--host" => options with { Server = new IPEndPoint(Loopback(value), options.Server.Port) },
                "--port" => options with { Server = new IPEndPoint(options.Server.Address, int.Parse(value)) },
                "--clients" => options with { Clients = int.Parse(value) },
                "--seconds" or "--duration" => options with { Duration = TimeSpan.FromSeconds(double.Parse(value)) },
                "--warmup" => options with { Warmup = TimeSpan.FromSeconds(double.Parse(value)) },
                "--flooders" => options with { Flooders = int.Parse(value) },
                "--hz" => options with { Hz = double.Parse(value) },
                "--cycles" => options with { Cycles = int.Parse(value) },
                "--server-pid" => options with { ServerPid = int.Parse(value) },
                "--rooms" => options with { Rooms = int.Parse(value) },
                "--members" => options with { Members = int.Parse(value) },
                "--drain" => options with { Drain = TimeSpan.FromSeconds(double.Parse(value)) },
                "--client" => options with { Client = value is "raw" or "gameclient" ? value : throw new ArgumentException("--client is raw or gameclient") },
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
