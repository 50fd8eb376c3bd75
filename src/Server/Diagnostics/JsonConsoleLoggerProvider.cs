using Microsoft.Extensions.Logging;

namespace ActorGameServer.Server.Diagnostics;

/// <summary>
/// The host's own loggers (the generic host, Kestrel) in JSON mode: the same line shape as Akka's
/// lines (<see cref="JsonLogFormatter"/>), so a log shipper reads one format from stdout.
/// </summary>
public sealed class JsonConsoleLoggerProvider : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new JsonConsoleLogger(categoryName, JsonLogFormatter.Stdout);

    public void Dispose()
    {
    }
}
