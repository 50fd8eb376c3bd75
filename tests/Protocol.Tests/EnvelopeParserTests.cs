using System.Text;

namespace ActorGameServer.Protocol.Tests;

public sealed class EnvelopeParserTests
{
    private const int MaxDepth = 32;

    [Theory]
    [InlineData("9007199254740993")]
    [InlineData("1732480000123")]
    [InlineData("-0.25")]
    [InlineData("1.50")]
    [InlineData("\"héllo 🎮\"")]
    [InlineData("{\"a\":[1,2,{\"b\":null}]}")]
    [InlineData("true")]
    [InlineData("false")]
    [InlineData("null")]
    [InlineData("[ 1 ,\t2 ]")]
    public void The_message_is_kept_byte_for_byte(string message)
    {
        var envelope = Parse($"{{\"cmd\":\"PING\",\"message\":{message}}}");

        Assert.Equal("PING", envelope.Cmd);
        Assert.Equal(message, envelope.Message.ToString());
        Assert.Null(envelope.Id);
    }

    [Fact]
    public void Key_order_does_not_matter_and_extra_keys_are_ignored()
    {
        var envelope = Parse("""{"id":{"n":1},"extra":[1,{"cmd":"NOT_ME"}],"message":2,"cmd":"PING"}""");

        Assert.Equal("PING", envelope.Cmd);
        Assert.Equal("2", envelope.Message.ToString());
        Assert.Equal("""{"n":1}""", envelope.Id?.ToString());
    }

    [Fact]
    public void A_missing_message_is_null()
    {
        Assert.Equal("null", Parse("""{"cmd":"PING"}""").Message.ToString());
    }

    [Fact]
    public void An_escaped_cmd_is_unescaped()
    {
        Assert.Equal("PING", Parse("""{"cmd":"\u0050ING"}""").Cmd);
    }

    [Theory]
    [InlineData("""{"cmd":"PING"}""", "PING")]
    [InlineData("""{"cmd":"RELAY"}""", "RELAY")]
    [InlineData("""{"cmd":"\u0050ING"}""", "PING")]
    public void A_known_command_is_the_protocol_constant_not_a_new_string(string json, string expected)
    {
        Assert.Same(string.IsInterned(expected), Parse(json).Cmd);
    }

    [Theory]
    [InlineData("""{"cmd":"PINGS"}""", "PINGS")]
    [InlineData("""{"cmd":"PIN"}""", "PIN")]
    [InlineData("""{"cmd":"ping"}""", "ping")]
    [InlineData("""{"cmd":""}""", "")]
    public void An_unknown_command_keeps_its_exact_text(string json, string expected)
    {
        Assert.Equal(expected, Parse(json).Cmd);
    }

    [Fact]
    public void Nesting_up_to_the_limit_is_accepted()
    {
        // The envelope is level 1, so the message may nest MaxDepth - 1 levels.
        var message = new string('[', MaxDepth - 1) + new string(']', MaxDepth - 1);
        Assert.Equal(message, Parse($"{{\"cmd\":\"PING\",\"message\":{message}}}").Message.ToString());
    }

    [Theory]
    [InlineData(ErrorCode.BadJson, "")]
    [InlineData(ErrorCode.BadJson, "   ")]
    [InlineData(ErrorCode.BadJson, "{\"cmd\":\"PING\"")]
    [InlineData(ErrorCode.BadJson, "{\"cmd\":\"PING\"} x")]
    [InlineData(ErrorCode.BadJson, "{\"cmd\":\"PING\"}{\"cmd\":\"PING\"}")]
    [InlineData(ErrorCode.BadJson, "{'cmd':'PING'}")]
    [InlineData(ErrorCode.BadJson, "{\"cmd\":\"PING\",}")]
    [InlineData(ErrorCode.BadJson, "{\"cmd\":\"PING\" /* comment */}")]
    [InlineData(ErrorCode.BadJson, "[1,")]
    [InlineData(ErrorCode.BadEnvelope, "[1,2]")]
    [InlineData(ErrorCode.BadEnvelope, "\"PING\"")]
    [InlineData(ErrorCode.BadEnvelope, "42")]
    [InlineData(ErrorCode.BadEnvelope, "null")]
    [InlineData(ErrorCode.BadEnvelope, "{}")]
    [InlineData(ErrorCode.BadEnvelope, "{\"message\":1}")]
    [InlineData(ErrorCode.BadEnvelope, "{\"cmd\":42}")]
    [InlineData(ErrorCode.BadEnvelope, "{\"cmd\":null}")]
    [InlineData(ErrorCode.BadEnvelope, "{\"cmd\":[\"PING\"]}")]
    [InlineData(ErrorCode.BadEnvelope, "{\"cmd\":\"PING\",\"cmd\":\"PONG\"}")]
    [InlineData(ErrorCode.BadEnvelope, "{\"cmd\":\"PING\",\"message\":1,\"message\":2}")]
    public void Refuses_with_the_right_code_and_a_detail(ErrorCode code, string json)
    {
        var error = ParseError(Encoding.UTF8.GetBytes(json));

        Assert.Equal(code, error.Code);
        Assert.False(string.IsNullOrWhiteSpace(error.Detail));
    }

    [Fact]
    public void Nesting_deeper_than_the_limit_is_bad_json()
    {
        var message = new string('[', MaxDepth) + new string(']', MaxDepth);

        var error = ParseError(Encoding.UTF8.GetBytes($"{{\"cmd\":\"PING\",\"message\":{message}}}"));

        Assert.Equal(ErrorCode.BadJson, error.Code);
        Assert.Contains("depth", error.Detail, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData(new byte[] { (byte)'{', (byte)'"', 0xC3, 0x28, (byte)'"', (byte)':', (byte)'1', (byte)'}' })] // Broken two-byte sequence.
    [InlineData(new byte[] { 0xFF, (byte)'{', (byte)'}' })] // Never valid in UTF-8.
    [InlineData(new byte[] { (byte)'"', 0xED, 0xA0, 0x80, (byte)'"' })] // An encoded surrogate.
    [InlineData(new byte[] { (byte)'"', 0xF0, 0x9F, 0x8E, (byte)'"' })] // Truncated four-byte sequence.
    public void Invalid_utf8_is_bad_utf8(byte[] payload)
    {
        Assert.Equal(ErrorCode.BadUtf8, ParseError(payload).Code);
    }

    private static Envelope Parse(string json)
    {
        var result = EnvelopeParser.Parse(Encoding.UTF8.GetBytes(json), MaxDepth);
        Assert.Null(result.Error);
        return result.Envelope!;
    }

    private static ProtocolError ParseError(byte[] payload)
    {
        var result = EnvelopeParser.Parse(payload, MaxDepth);
        Assert.Null(result.Envelope);
        return result.Error!;
    }
}
