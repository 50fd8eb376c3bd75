using System.Net;
using System.Text.Json.Nodes;
using ActorGameServer.Server.Actors;
using ActorGameServer.Server.Diagnostics;
using ActorGameServer.Server.Sessions;
using Akka.Actor;
using Akka.Event;
using Akka.TestKit;
using Akka.TestKit.Xunit2;

namespace ActorGameServer.Server.Tests.Diagnostics;

/// <summary>
/// JSON log lines as a log shipper parses them: one valid object whatever the message holds, the
/// server's events with their fields, Akka's own lines with their message only.
/// </summary>
public sealed class JsonLogFormatterTests
{
    private static readonly ClientIdentity Client = new(7, new IPEndPoint(IPAddress.Parse("10.0.0.5"), 5000), "tcp");

    private readonly JsonLogFormatter _formatter = new(TextWriter.Null);

    [Fact]
    public void An_event_has_its_name_the_rendered_message_and_a_field_per_named_argument()
    {
        var line = Parse(_formatter.Format(new Info("akka://game-server/user/clients", typeof(ClientRegistry), Event(
            "client_connected", "client {UserId} connected from {Remote} over {Transport} ({Online} online)",
            7L, new IPEndPoint(IPAddress.Loopback, 40000), "websocket", 3))));

        Assert.Equal("client_connected", (string?)line["event"]);
        Assert.Equal("info", (string?)line["level"]);
        Assert.Equal("akka://game-server/user/clients", (string?)line["logger"]);
        Assert.Equal("client 7 connected from 127.0.0.1:40000 over websocket (3 online)", (string?)line["message"]);
        Assert.Equal(7, (long)line["user_id"]!);
        Assert.Equal("127.0.0.1:40000", (string?)line["remote"]);
        Assert.Equal("websocket", (string?)line["transport"]);
        Assert.Equal(3, (int)line["online"]!);
        var timestamp = DateTimeOffset.Parse((string)line["timestamp"]!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(TimeSpan.Zero, timestamp.Offset);
    }

    [Fact]
    public void A_client_and_a_disconnection_read_as_words_in_the_message_and_as_fields_in_json()
    {
        var disconnected = new ClientActor.Disconnected(7, CloseReason.ProtocolError, "");
        var line = Parse(_formatter.Format(new Info("clients", typeof(ClientRegistry), Event(
            "client_disconnected", "{Client} gone: {Why}", Client, new Disconnection(disconnected, new IPEndPoint(IPAddress.Loopback, 1), "tcp")))));

        Assert.Equal("client 7 from 10.0.0.5:5000 (tcp) gone: protocol error", (string?)line["message"]);
        Assert.Equal(7, (long)line["user_id"]!);
        Assert.Equal("protocol_error", (string?)line["reason"]);
        Assert.Null(line["detail"]); // No detail: no field.
        // Both name a remote; the first one given is kept, never written twice.
        Assert.Equal("10.0.0.5:5000", (string?)line["remote"]);
        Assert.Null(line["client"]);
        Assert.Null(line["why"]);
    }

    [Fact]
    public void Quotes_newlines_control_characters_and_broken_text_still_make_one_valid_line()
    {
        var nasty = "say \"hi\"\nnext line\r\ttab \u0001\u001f \\ back </script> é 漢 🎮";
        var json = _formatter.Format(new Warning("src \"x\"\n", typeof(JsonLogFormatterTests), Event("bad_frame", "{Client}: {Detail}", Client, nasty)));

        Assert.DoesNotContain('\n', json);
        Assert.DoesNotContain('\r', json);
        var line = Parse(json);
        Assert.Equal($"client 7 from 10.0.0.5:5000 (tcp): {nasty}", (string?)line["message"]);
        Assert.Equal(nasty, (string?)line["detail"]);
        Assert.Equal("src \"x\"\n", (string?)line["logger"]);

        // Half a surrogate pair is no character at all; the line is still valid JSON, with the rest intact.
        var broken = Parse(_formatter.Format(new Info("src", typeof(JsonLogFormatterTests), Event("bad_frame", "{Client}: {Detail}", Client, "lone \ud800 half"))));
        Assert.Equal("bad_frame", (string?)broken["event"]);
        Assert.StartsWith("client 7 from 10.0.0.5:5000 (tcp): lone ", (string?)broken["message"]);
        Assert.EndsWith(" half", (string?)broken["detail"]);
    }

    [Fact]
    public void An_exception_is_one_object_with_its_type_message_and_whole_stack()
    {
        Exception thrown;
        try
        {
            throw new InvalidOperationException("outer \"quoted\"\nsecond line", new TimeoutException("inner"));
        }
        catch (InvalidOperationException e)
        {
            thrown = e;
        }

        var json = _formatter.Format(new Error(thrown, "akka://game-server/user/clients/client-7", typeof(ClientActor), Event("client_failed", "{Client} failed", Client, 0)));

        Assert.DoesNotContain('\n', json);
        var exception = Parse(json)["exception"]!.AsObject();
        Assert.Equal("error", (string?)Parse(json)["level"]);
        Assert.Equal("System.InvalidOperationException", (string?)exception["type"]);
        Assert.Equal("outer \"quoted\"\nsecond line", (string?)exception["message"]);
        var stack = (string)exception["stack"]!;
        Assert.Contains(nameof(An_exception_is_one_object_with_its_type_message_and_whole_stack), stack);
        Assert.Contains("System.TimeoutException: inner", stack);
    }

    [Fact]
    public async Task Akka_s_own_lines_and_positional_arguments_are_message_only()
    {
        // Real log events, as Akka's loggers get them from the event stream.
        var system = ActorSystem.Create("json-log-formatter-tests", "akka.loglevel = DEBUG");
        try
        {
            var probe = new TestProbe(system, new XunitAssertions());
            system.EventStream.Subscribe(probe.Ref, typeof(LogEvent));
            var log = Logging.GetLogger(system, "src");
            log.Info("client {0} said {1}", 7, "hi");
            log.Info("invoked due to [Reason:{Reason}]", "ClrExitReason");
            log.Debug("just words");

            var positional = Parse(_formatter.Format(probe.FishForMessage<Info>(e => e.LogSource.StartsWith("src", StringComparison.Ordinal))));
            var akkas = Parse(_formatter.Format(probe.FishForMessage<Info>(e => e.LogSource.StartsWith("src", StringComparison.Ordinal))));
            var plain = Parse(_formatter.Format(probe.FishForMessage<Debug>(e => e.LogSource.StartsWith("src", StringComparison.Ordinal))));

            Assert.Equal("client 7 said hi", (string?)positional["message"]);
            Assert.Equal(["timestamp", "level", "logger", "message"], positional.Select(field => field.Key));
            Assert.Equal("invoked due to [Reason:ClrExitReason]", (string?)akkas["message"]);
            Assert.Equal(["timestamp", "level", "logger", "message"], akkas.Select(field => field.Key));
            Assert.Equal("debug", (string?)plain["level"]);
            Assert.Equal("just words", (string?)plain["message"]);
        }
        finally
        {
            await system.Terminate();
        }
    }

    [Theory]
    [InlineData("UserId", "user_id")]
    [InlineData("MaxOutboundBytes", "max_outbound_bytes")]
    [InlineData("IPAddress", "ip_address")]
    [InlineData("Online", "online")]
    [InlineData("user_id", "user_id")]
    public void Template_names_become_snake_case_fields(string name, string field) =>
        Assert.Equal(field, JsonLogFormatter.SnakeCase(name));

    private static EventLogMessage Event(string name, string template, params object[] args) =>
        new(SemanticLogMessageFormatter.Instance, name, template, args);

    /// <summary>JsonNode refuses a name given twice, which some shippers refuse too.</summary>
    private static JsonObject Parse(string line) => JsonNode.Parse(line)!.AsObject();
}
