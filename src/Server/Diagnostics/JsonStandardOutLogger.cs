using Akka.Event;

namespace ActorGameServer.Server.Diagnostics;

/// <summary>
/// What Akka writes before its loggers start and after they stop (<c>akka.stdout-logger-class</c>),
/// as JSON lines like <see cref="JsonLogger"/>'s, so that in JSON mode every stdout line is JSON.
/// </summary>
public sealed class JsonStandardOutLogger : MinimalLogger
{
    protected override void Log(object message)
    {
        if (message is LogEvent logEvent)
        {
            JsonLogFormatter.Stdout.Write(logEvent);
        }
    }
}
