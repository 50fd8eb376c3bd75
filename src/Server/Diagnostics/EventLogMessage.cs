using Akka.Event;

namespace ActorGameServer.Server.Diagnostics;

/// <summary>
/// A log message with a stable event name (<c>client_connected</c>, <c>bad_frame</c>, ...) for the
/// <c>event</c> field of a JSON line. The name travels with the message rather than as Akka's
/// log context (<c>WithContext</c>) because Akka writes context into the text line as
/// <c>[event=...]</c>, and the text format must not change. Renders exactly as Akka's own
/// messages do, with the same formatter, so the text line is the same either way.
/// </summary>
public sealed class EventLogMessage(ILogMessageFormatter formatter, string eventName, string format, object[] args) : LogMessage(formatter, format)
{
    public string EventName { get; } = eventName;

    public override string ToString() => Formatter.Format(Format, args);

    public override string Unformatted() => Format;

    public override IEnumerable<object> Parameters() => args;
}
