using Akka.Actor;
using Akka.Event;

namespace ActorGameServer.Server.Actors;

/// <summary>
/// An actor's logger that is created when it is first used. <c>Context.GetLogger()</c> costs
/// about 0.17 KB per actor for as long as it lives (the adapter, and the actor's path as a string
/// to name the source), and most players never log a line; this stand-in costs 32 bytes until then.
/// Like the logger it stands for, it is used only from inside its actor, one message at a time,
/// which is also what lets it call <see cref="IActorContext"/> when the first line comes.
/// </summary>
internal sealed class LoggerOnFirstUse(IActorContext context) : ILoggingAdapter
{
    private ILoggingAdapter? _log;

    private ILoggingAdapter Logger => _log ??= context.GetLogger();

    public ILogMessageFormatter Formatter => Logger.Formatter;

    public bool IsDebugEnabled => Logger.IsDebugEnabled;

    public bool IsInfoEnabled => Logger.IsInfoEnabled;

    public bool IsWarningEnabled => Logger.IsWarningEnabled;

    public bool IsErrorEnabled => Logger.IsErrorEnabled;

    public bool IsEnabled(LogLevel logLevel) => Logger.IsEnabled(logLevel);

    public void Log(LogLevel logLevel, Exception cause, string format) => Logger.Log(logLevel, cause, format);

    public void Log(LogLevel logLevel, Exception cause, LogMessage message) => Logger.Log(logLevel, cause, message);
}
