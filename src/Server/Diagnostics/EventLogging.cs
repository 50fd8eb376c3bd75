using Akka.Event;

namespace ActorGameServer.Server.Diagnostics;

/// <summary>
/// <c>log.InfoEvent("client_connected", "client {UserId} connected ...", ...)</c>: Akka's
/// <c>Info</c> and <c>Warning</c> with an event name for JSON lines (<see cref="EventLogMessage"/>).
/// Like Akka's own generic overloads, nothing is boxed or allocated unless the level is on, so the
/// lines on a connection's paths cost nothing while they are not logged.
/// </summary>
public static class EventLogging
{
    public static void InfoEvent<T1, T2>(this ILoggingAdapter log, string eventName, string template, T1 arg1, T2 arg2)
    {
        if (log.IsInfoEnabled)
        {
            Write(log, LogLevel.InfoLevel, eventName, template, [arg1, arg2]);
        }
    }

    public static void InfoEvent<T1, T2, T3>(this ILoggingAdapter log, string eventName, string template, T1 arg1, T2 arg2, T3 arg3)
    {
        if (log.IsInfoEnabled)
        {
            Write(log, LogLevel.InfoLevel, eventName, template, [arg1, arg2, arg3]);
        }
    }

    public static void InfoEvent<T1, T2, T3, T4>(this ILoggingAdapter log, string eventName, string template, T1 arg1, T2 arg2, T3 arg3, T4 arg4)
    {
        if (log.IsInfoEnabled)
        {
            Write(log, LogLevel.InfoLevel, eventName, template, [arg1, arg2, arg3, arg4]);
        }
    }

    public static void WarningEvent<T1, T2>(this ILoggingAdapter log, string eventName, string template, T1 arg1, T2 arg2)
    {
        if (log.IsWarningEnabled)
        {
            Write(log, LogLevel.WarningLevel, eventName, template, [arg1, arg2]);
        }
    }

    public static void WarningEvent<T1, T2, T3>(this ILoggingAdapter log, string eventName, string template, T1 arg1, T2 arg2, T3 arg3)
    {
        if (log.IsWarningEnabled)
        {
            Write(log, LogLevel.WarningLevel, eventName, template, [arg1, arg2, arg3]);
        }
    }

    private static void Write(ILoggingAdapter log, LogLevel level, string eventName, string template, object?[] args) =>
        log.Log(level, null!, new EventLogMessage(log.Formatter, eventName, template, args!));
}
