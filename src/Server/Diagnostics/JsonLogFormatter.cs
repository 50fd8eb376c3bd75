using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Akka.Event;

namespace ActorGameServer.Server.Diagnostics;

/// <summary>
/// Writes log lines as one JSON object per line (<c>game-server.log-format = json</c>):
/// <c>timestamp</c> (ISO 8601, UTC), <c>level</c>, <c>logger</c>, <c>event</c> when the line has
/// one (<see cref="EventLogMessage"/>), <c>message</c> (the words of the text line), then the
/// line's named template arguments in snake_case (<c>{UserId}</c> is <c>user_id</c>; an
/// <see cref="ILogFields"/> argument gives its own fields), and <c>exception</c> as
/// <c>{type, message, stack}</c>.
/// <para>
/// Only lines with an event have fields: those are the server's own, whose names are a contract
/// with whoever queries them. Akka's lines name their template arguments too, but as Akka pleases
/// and may change (its shutdown line's "reason" is a .NET type name), so they are message only,
/// as are positional arguments (<c>{0}</c>): a field named "0" is nothing to query.
/// </para>
/// <para>
/// Utf8JsonWriter escapes quotes, newlines and control characters, so every line is valid JSON
/// whatever a message holds. One formatter writes for Akka's logger, Akka's start-up and shutdown
/// logger and the host's loggers; a lock keeps their lines whole and in one buffer.
/// </para>
/// </summary>
public sealed class JsonLogFormatter(TextWriter output)
{
    // Fields the line itself has; an argument of the same name is left out rather than repeated
    // (some JSON parsers refuse an object with a name twice).
    private static readonly string[] LineFields = ["timestamp", "level", "logger", "event", "message", "exception"];

    // Template names are a small fixed set (those written in the code), so this stays small.
    private static readonly ConcurrentDictionary<string, string> SnakeCaseNames = new(StringComparer.Ordinal);

    // Logs are read by people and shippers, not embedded in HTML: keep non-ASCII and <>&' as they
    // are. Quotes, backslashes and control characters are still escaped.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The process's stdout (Console.Out is synchronized, so a line is one write among other writers).</summary>
    /// <remarks>Declared after the static fields it needs: static fields are set in the order written.</remarks>
    public static readonly JsonLogFormatter Stdout = new(Console.Out);

    private readonly Lock _gate = new();
    private readonly ArrayBufferWriter<byte> _buffer = new(1024);
    private readonly Utf8JsonWriter _json = new(Stream.Null, WriterOptions);
    private readonly List<KeyValuePair<string, object?>> _fields = [];
    private readonly HashSet<string> _written = new(StringComparer.Ordinal);

    /// <summary>Writes one of Akka's log events as a line.</summary>
    public void Write(LogEvent logEvent) => output.WriteLine(Format(logEvent));

    /// <summary>Writes a line from elsewhere (the host's loggers), in the same shape.</summary>
    public void Write(DateTime timestamp, string level, string logger, string message, Exception? exception)
    {
        string line;
        lock (_gate)
        {
            _fields.Clear();
            line = FormatLine(timestamp, level, logger, null, message, exception);
        }

        output.WriteLine(line);
    }

    /// <summary>One of Akka's log events as a JSON object, without the line break.</summary>
    public string Format(LogEvent logEvent)
    {
        lock (_gate)
        {
            string message;
            _fields.Clear();
            var eventName = (logEvent.Message as EventLogMessage)?.EventName;
            try
            {
                message = logEvent.Message?.ToString() ?? "";
                if (eventName is not null && logEvent.TryGetProperties(out var properties) && properties is not null)
                {
                    foreach (var (name, value) in properties)
                    {
                        AddField(name, value);
                    }
                }
            }
            catch (Exception e)
            {
                // A line must never be lost to an argument whose ToString throws: say so instead.
                _fields.Clear();
                message = $"(this log line could not be formatted: {e.GetType().Name}: {e.Message})";
            }

            var level = Level(logEvent.LogLevel());
            var logger = logEvent.LogSource ?? "";
            try
            {
                return FormatLine(logEvent.Timestamp, level, logger, eventName, message, logEvent.Cause);
            }
            catch (Exception e)
            {
                // Should the JSON writer refuse a value, the logger must go on (an exception here
                // would restart it and lose the line): this line says what it could not write.
                _fields.Clear();
                return FormatLine(logEvent.Timestamp, level, logger, eventName, $"(this log line could not be written as JSON: {e.GetType().Name}: {e.Message})", null);
            }
        }
    }

    private static string Level(Akka.Event.LogLevel level) => level switch
    {
        Akka.Event.LogLevel.DebugLevel => "debug",
        Akka.Event.LogLevel.InfoLevel => "info",
        Akka.Event.LogLevel.WarningLevel => "warning",
        _ => "error",
    };

    private void AddField(string name, object? value)
    {
        if (value is ILogFields fields)
        {
            fields.AddFieldsTo(_fields);
        }
        else if (!IsPositional(name))
        {
            _fields.Add(new(SnakeCase(name), value));
        }
    }

    private string FormatLine(DateTime timestamp, string level, string logger, string? eventName, string message, Exception? exception)
    {
        _buffer.ResetWrittenCount();
        _json.Reset(_buffer);
        _json.WriteStartObject();
        _json.WriteString("timestamp", timestamp.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(timestamp, DateTimeKind.Utc) : timestamp.ToUniversalTime());
        _json.WriteString("level", level);
        _json.WriteString("logger", logger);
        if (eventName is not null)
        {
            _json.WriteString("event", eventName);
        }

        _json.WriteString("message", message);
        _written.Clear();
        _written.UnionWith(LineFields);
        foreach (var (name, value) in _fields)
        {
            if (_written.Add(name))
            {
                WriteValue(name, value);
            }
        }

        if (exception is not null)
        {
            _json.WriteStartObject("exception");
            _json.WriteString("type", exception.GetType().FullName);
            _json.WriteString("message", exception.Message);
            // ToString: the stack with every inner exception's, which StackTrace alone leaves out.
            _json.WriteString("stack", exception.ToString());
            _json.WriteEndObject();
        }

        _json.WriteEndObject();
        _json.Flush();
        return Encoding.UTF8.GetString(_buffer.WrittenSpan);
    }

    private void WriteValue(string name, object? value)
    {
        switch (value)
        {
            case null:
                _json.WriteNull(name);
                break;
            case string text:
                _json.WriteString(name, text);
                break;
            case bool flag:
                _json.WriteBoolean(name, flag);
                break;
            case int or long or short or byte or sbyte or ushort or uint:
                _json.WriteNumber(name, Convert.ToInt64(value, CultureInfo.InvariantCulture));
                break;
            case ulong number:
                _json.WriteNumber(name, number);
                break;
            case double or float when double.IsFinite(Convert.ToDouble(value, CultureInfo.InvariantCulture)):
                _json.WriteNumber(name, Convert.ToDouble(value, CultureInfo.InvariantCulture));
                break;
            case decimal number:
                _json.WriteNumber(name, number);
                break;
            case DateTime time:
                _json.WriteString(name, time);
                break;
            case DateTimeOffset time:
                _json.WriteString(name, time);
                break;
            default:
                // Addresses, durations (00:00:30), enums: as the text line shows them.
                _json.WriteString(name, Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
        }
    }

    private static bool IsPositional(string name) => name.Length > 0 && name.All(char.IsAsciiDigit);

    /// <summary>UserId → user_id, MaxOutboundBytes → max_outbound_bytes; snake_case stays as it is.</summary>
    internal static string SnakeCase(string name) => SnakeCaseNames.GetOrAdd(name, static name =>
    {
        var snake = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                var afterWord = i > 0 && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1]));
                var endsAcronym = i > 0 && char.IsUpper(name[i - 1]) && i + 1 < name.Length && char.IsLower(name[i + 1]);
                if (afterWord || endsAcronym)
                {
                    snake.Append('_');
                }

                snake.Append(char.ToLowerInvariant(c));
            }
            else
            {
                snake.Append(c);
            }
        }

        return snake.ToString();
    });
}
