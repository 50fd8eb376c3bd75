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
