using Microsoft.Extensions.Logging;

namespace ActorGameServer.Server.Diagnostics;

/// <summary>One category's logger of <see cref="JsonConsoleLoggerProvider"/>.</summary>
internal sealed class JsonConsoleLogger(string category, JsonLogFormatter formatter) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    // The host's minimum level (GameServerHost: Warning) filters before this is asked.
    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> format)
    {
        if (!IsEnabled(logLevel))
        {
            return;
        }

        var level = logLevel switch
        {
            LogLevel.Trace or LogLevel.Debug => "debug",
            LogLevel.Information => "info",
            LogLevel.Warning => "warning",
            _ => "error",
        };
        formatter.Write(DateTime.UtcNow, level, category, format(state, exception), exception);
    }
}
