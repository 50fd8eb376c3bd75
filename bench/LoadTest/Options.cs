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

    /// <summary>
    /// Flooders: 0 (default) sends bursts of 100 PINGs every 10 ms; N &gt; 0 writes N PINGs at
    /// once and then only reads, like the attacker (20,000 at once).
    /// </summary>
    public int FloodBurst { get; init; }

    /// <summary>
    /// tick and rooms: messages per second per client. <c>ping --hz N</c> (N &gt; 0) is kept as an
    /// alias for <c>tick</c>; plain ping is the closed loop.
    /// </summary>
    public double Hz { get; init; }
    public int Cycles { get; init; } = 10_000;
    public int? ServerPid { get; init; }

    /// <summary>
    /// rooms against a cluster: the other nodes' game ports (<c>--also-port</c>, repeatable), members
    /// of every room spread over all nodes in turn, and the other nodes' processes
    /// (<c>--also-server-pid</c>), whose CPU is added to the server's.
    /// </summary>
    public IReadOnlyList<int> AlsoPorts { get; init; } = [];
    public IReadOnlyList<int> AlsoServerPids { get; init; } = [];

    /// <summary>The node member <paramref name="index"/> connects to: the server and the others in turn.</summary>
    public IPEndPoint ServerFor(int index) =>
        index % (AlsoPorts.Count + 1) is var node and > 0 ? new IPEndPoint(Server.Address, AlsoPorts[node - 1]) : Server;

    /// <summary>Every server process measured: --server-pid and --also-server-pid.</summary>
    public IReadOnlyList<int> ServerPids => ServerPid is { } pid ? [pid, .. AlsoServerPids] : [];

    /// <summary>rooms: how many rooms, and members in each.</summary>
    public int Rooms { get; init; } = 100;
    public int Members { get; init; } = 10;

    /// <summary>ping, tick, rooms: the longest to wait after the last send for replies or deliveries still in flight.</summary>
    public TimeSpan Drain { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// rooms: receive raw frames through LoadClient (default), or through GameClient's push
    /// stream, which parses every frame into a JsonDocument: about 0.6 µs more per delivery,
    /// roughly a quarter of the generator's CPU, on cores the server shares (docs/PERFORMANCE.md).
    /// </summary>
    public string Client { get; init; } = "raw";

    /// <summary>Where to write the result as JSON: a file, or "-" for stdout (the summary then goes to stderr).</summary>
    public string? Json { get; init; }

    /// <summary>Turns off the live progress display even on a terminal.</summary>
    public bool Quiet { get; init; }

    /// <summary>ping --hz N runs the open-loop tick scenario (the old name of it).</summary>
    public string EffectiveScenario => Scenario == "ping" && Hz > 0 ? "tick" : Scenario;

    /// <summary>The flooders, for a scenario's one-line description.</summary>
    public string FloodersDescription => Flooders == 0 ? "no flooders"
        : FloodBurst > 0 ? $"{Flooders} flooders writing {FloodBurst} PINGs at once" : $"{Flooders} flooders (100 PINGs every 10 ms)";

    /// <summary>The options that shape a run, for the JSON result.</summary>
    public IReadOnlyDictionary<string, object?> Describe() => new SortedDictionary<string, object?>
    {
        ["host"] = Server.Address.ToString(),
        ["port"] = Server.Port,
        ["clients"] = Clients,
        ["durationSeconds"] = Duration.TotalSeconds,
        ["warmupSeconds"] = Warmup.TotalSeconds,
        ["hz"] = Hz,
        ["flooders"] = Flooders,
        ["floodBurst"] = FloodBurst,
        ["rooms"] = Rooms,
        ["members"] = Members,
        ["drainSeconds"] = Drain.TotalSeconds,
        ["cycles"] = Cycles,
        ["client"] = Client,
        ["serverPid"] = ServerPid,
        ["alsoPorts"] = AlsoPorts,
        ["alsoServerPids"] = AlsoServerPids,
    };

    public static Options Parse(string[] args)
    {
        if (args.Length == 0)
        {
            throw new ArgumentException("usage: LoadTest <ping|tick|rooms|hold|cycles|slow-reader|shutdown> [--host IP] [--port N] [--clients N] [--seconds|--duration N] [--warmup N] [--hz N] [--flooders N] [--flood-burst N] [--cycles N] [--rooms N] [--members N] [--drain N] [--client raw|gameclient] [--server-pid PID] [--also-port N --also-server-pid PID ...] [--json FILE|-] [--quiet]");
        }

        var options = args[0] switch
        {
            // A game: every member sends 20 times a second, measured long enough to see the tail.
            "rooms" => new Options { Scenario = args[0], Hz = 20, Duration = TimeSpan.FromSeconds(30), Warmup = TimeSpan.FromSeconds(5) },

            // A game tick: 2,000 players each pinging 20 times a second.
            "tick" => new Options { Scenario = args[0], Clients = 2000, Hz = 20, Duration = TimeSpan.FromSeconds(30), Warmup = TimeSpan.FromSeconds(5) },
            _ => new Options { Scenario = args[0] },
        };
        for (var i = 1; i < args.Length; i += 2)
        {
            if (args[i] == "--quiet")
            {
                options = options with { Quiet = true };
                i--;
                continue;
            }

            var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value");
            options = args[i] switch
            {
                "--host" => options with { Server = new IPEndPoint(Loopback(value), options.Server.Port) },
                "--port" => options with { Server = new IPEndPoint(options.Server.Address, int.Parse(value)) },
                "--clients" => options with { Clients = int.Parse(value) },
                "--seconds" or "--duration" => options with { Duration = TimeSpan.FromSeconds(double.Parse(value)) },
                "--warmup" => options with { Warmup = TimeSpan.FromSeconds(double.Parse(value)) },
                "--flooders" => options with { Flooders = int.Parse(value) },
                "--flood-burst" => options with { FloodBurst = int.Parse(value) },
                "--hz" => options with { Hz = double.Parse(value) },
                "--cycles" => options with { Cycles = int.Parse(value) },
                "--server-pid" => options with { ServerPid = int.Parse(value) },
                "--also-port" => options with { AlsoPorts = [.. options.AlsoPorts, int.Parse(value)] },
                "--also-server-pid" => options with { AlsoServerPids = [.. options.AlsoServerPids, int.Parse(value)] },
                "--rooms" => options with { Rooms = int.Parse(value) },
                "--members" => options with { Members = int.Parse(value) },
                "--drain" => options with { Drain = TimeSpan.FromSeconds(double.Parse(value)) },
                "--json" => options with { Json = value },
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
