using ActorGameServer.Server;
using ActorGameServer.Server.Configuration;
using ActorGameServer.Server.Hosting;

// Exit codes: 0 stopped cleanly, 1 bad command line or configuration, 2 cannot listen.
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

return 0;

/// <summary>
/// Declared so ASP.NET Core's source generator does not make <c>Program</c> public: the projects
/// that reference this one (benchmarks) have a <c>Program</c> of their own.
/// </summary>
internal partial class Program;
