using ActorGameServer.Server;
using ActorGameServer.Server.Configuration;
using ActorGameServer.Server.Hosting;

// Socket completions run on the epoll thread that saw them instead of being handed to the .NET
// thread pool: Akka.IO's completion handlers only Tell a connection actor, and actors run on
// Akka's own threads (hocon/server.hocon), so the hand-off woke a pool thread per socket operation
// for nothing (1 player's PING p50 0.045-0.056 ms instead of 0.093-0.107; 50 players at 20 Hz 0.60
// of a core instead of 0.85; docs/PERFORMANCE.md, "Performance round 2"). Kestrel still schedules
// its own work. .NET reads this when the first socket is used, so it is set before anything else;
// a value set by whoever starts the server wins.
const string InlineCompletions = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";
if (Environment.GetEnvironmentVariable(InlineCompletions) is null)
{
    Environment.SetEnvironmentVariable(InlineCompletions, "1");
}

// Exit codes: 0 stopped cleanly, 1 bad command line or configuration, 2 cannot listen, 3 this
// node was downed by its cluster (a split-brain resolver decision, for instance after the node
// was cut off or paused): it has told its players SHUTDOWN and left; a supervisor that restarts
// it on failure (systemd Restart=on-failure, Kubernetes) brings it back, and it rejoins.
string? configFile;
try
{
    configFile = CommandLine.ParseConfigFile(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    Console.Error.WriteLine(CommandLine.Usage);
    return 1;
}

if (args.Contains("--help") || args.Contains("-h"))
{
    Console.WriteLine(CommandLine.Usage);
    return 0;
}

GameServerHost server;
try
{
    server = await GameServerHost.StartAsync(ServerConfig.Load(configFile));
}
catch (ConfigurationException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
catch (BindFailedException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 2;
}

await using (server)
{
    await server.WaitForShutdownAsync();
}

if (server.WasDowned)
{
    Console.Error.WriteLine("error: this node was downed by its cluster and removed from it; exiting with code 3 so that a supervisor starts it again");
    return 3;
}

return 0;

/// <summary>
/// Declared so ASP.NET Core's source generator does not make <c>Program</c> public: the projects
/// that reference this one (benchmarks) have a <c>Program</c> of their own.
/// </summary>
internal partial class Program;
