using ActorGameServer.LoadTest;

// Socket completions run on the thread that polls the sockets instead of being handed to the
// thread pool: one thread wake-up less per read (LoadTest.csproj says why the generator's CPU
// matters). Read when the first socket is used; a value set by whoever starts it wins.
const string InlineCompletions = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";
if (Environment.GetEnvironmentVariable(InlineCompletions) is null)
{
    Environment.SetEnvironmentVariable(InlineCompletions, "1");
}

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
