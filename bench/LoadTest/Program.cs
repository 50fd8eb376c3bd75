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

// The live display only on a terminal, and never when the JSON result goes to stdout.
LiveProgress.Enabled = !options.Quiet && options.Json != "-" && LiveProgress.TerminalIsInteractive;

ScenarioResult result;
try
{
    result = await (options.EffectiveScenario switch
    {
        "ping" => PingScenario.RunAsync(options),
        "tick" => TickScenario.RunAsync(options),
        "rooms" => RoomsScenario.RunAsync(options),
        "hold" => HoldScenario.RunAsync(options),
        "cycles" => CyclesScenario.RunAsync(options),
        "slow-reader" => SlowReaderScenario.RunAsync(options),
        "shutdown" => ShutdownScenario.RunAsync(options),
        _ => throw new ArgumentException($"unknown scenario {options.Scenario}"),
    });
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 1;
}
catch (Exception e) when (e is InvalidDataException or IOException or System.Net.Sockets.SocketException or OperationCanceledException)
{
    // Could not even set up (server not listening, or it does not speak what the scenario needs,
    // like rooms against bench/Floor): no result to report.
    Console.Error.WriteLine($"{options.EffectiveScenario} failed to set up: {e.Message}");
    return 2;
}

result.Print(options.Json == "-" ? Console.Error : Console.Out);
if (options.Json == "-")
{
    Console.Out.WriteLine(result.ToJson());
}
else if (options.Json is { } path)
{
    await File.WriteAllTextAsync(path, result.ToJson() + "\n");
}

return 0;
