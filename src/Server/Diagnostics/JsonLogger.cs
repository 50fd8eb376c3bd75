using Akka.Actor;
using Akka.Configuration;
using Akka.Dispatch;
using Akka.Event;

namespace ActorGameServer.Server.Diagnostics;

/// <summary>
/// Akka's logger for <c>game-server.log-format = json</c>: in place of Akka's DefaultLogger, it
/// writes every log event on the event stream to stdout as a JSON line (<see cref="JsonLogFormatter"/>).
/// Being Akka's logger, it sees Akka's own lines (cluster, remoting, sharding) as well as ours, at
/// the level <c>akka.loglevel</c> sets, and writes them off the actors' threads like DefaultLogger.
/// </summary>
public sealed class JsonLogger : ActorBase, IRequiresMessageQueue<ILoggerMessageQueueSemantics>
{
    /// <summary>
    /// Akka settings for JSON logs: this logger, and <see cref="JsonStandardOutLogger"/> for what
    /// Akka writes while the loggers are not running yet (start-up) or any more (shutdown).
    /// </summary>
    public static Config AkkaConfig { get; } = ConfigurationFactory.ParseString($$"""
        akka.loggers = ["{{typeof(JsonLogger).AssemblyQualifiedName}}"]
        akka.stdout-logger-class = "{{typeof(JsonStandardOutLogger).AssemblyQualifiedName}}"
        """);

    protected override bool Receive(object message)
    {
        switch (message)
        {
            case LogEvent logEvent:
                JsonLogFormatter.Stdout.Write(logEvent);
                return true;
            case InitializeLogger:
                Sender.Tell(new LoggerInitialized());
                return true;
            default:
                return false;
        }
    }
}
