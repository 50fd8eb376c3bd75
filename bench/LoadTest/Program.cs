using ActorGameServer.LoadTest;

Options options;
try
{
    options = Options.Parse(args);
}
catch (Exception e) when (e is ArgumentException or FormatException)
{
    Console.Error.WriteLine(e.Message);
    return 1;
}

await (options.Scenario switch
{
    "ping" => PingScenario.RunAsync(options),
    "hold" => HoldScenario.RunAsync(options),
    "cycles" => CyclesScenario.RunAsync(options),
    "slow-reader" => SlowReaderScenario.RunAsync(options),
    "shutdown" => ShutdownScenario.RunAsync(options),
    "rooms" => RoomsScenario.RunAsync(options),
    _ => throw new ArgumentException($"unknown scenario {options.Scenario}"),
});
return 0;
