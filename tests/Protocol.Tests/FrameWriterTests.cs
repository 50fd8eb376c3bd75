using System.Buffers.Binary;
using System.Text;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace ActorGameServer.Protocol.Tests;

public sealed class FrameWriterTests
{
    [Fact]
    public void A_pong_is_the_ping_message_verbatim_with_the_id_and_a_correct_length()
    {
        var ping = EnvelopeParser.Parse("""{"cmd":"PING","message":{"t":9007199254740993,"s":"🎮"},"id":"r1"}"""u8, 32).Envelope!;

        var frame = ServerFrames.Pong(ping);

        Assert.Equal("""{"cmd":"PONG","message":{"t":9007199254740993,"s":"🎮"},"id":"r1"}""", Encoding.UTF8.GetString(frame.Json.Span));
        var prefixed = frame.ToLengthPrefixed();
        Assert.Equal(frame.Length, (int)BinaryPrimitives.ReadUInt32LittleEndian(prefixed));
        Assert.Equal(frame.Json.ToArray(), prefixed[4..]);
    }

    [Fact]
    public void An_error_names_its_code_and_escapes_its_detail()
    {
        var frame = ServerFrames.Error(new ProtocolError(ErrorCode.BadJson, "a \"quoted\" <detail>\n"), new RawJson("7"u8.ToArray()));

        var json = Parse(frame);
        Assert.Equal("ERROR", (string?)json["cmd"]);
        Assert.Equal("bad_json", (string?)json["message"]!["code"]);
        Assert.Equal("a \"quoted\" <detail>\n", (string?)json["message"]!["detail"]);
        Assert.Equal(7, (int)json["id"]!);
    }

    [Fact]
    public void Welcome_and_shutdown_carry_their_fields()
    {
        var welcome = Parse(ServerFrames.Welcome(42, 5000, "1.2.3"));
        Assert.Equal("WELCOME", (string?)welcome["cmd"]);
        Assert.Equal(42, (long)welcome["message"]!["user_id"]!);
        Assert.Equal(5000, (int)welcome["message"]!["max_payload"]!);
        Assert.Equal("1.2.3", (string?)welcome["message"]!["version"]);

        var shutdown = Parse(ServerFrames.Shutdown("maintenance", 5000));
        Assert.Equal("maintenance", (string?)shutdown["message"]!["reason"]);
        Assert.Equal(5000, (int)shutdown["message"]!["reconnect_after_ms"]!);

        var notice = Parse(ServerFrames.Notice("restart at 18:00 \"UTC\""));
        Assert.Equal("NOTICE", (string?)notice["cmd"]);
        Assert.Equal("restart at 18:00 \"UTC\"", (string?)notice["message"]!["message"]);
    }

    [Fact]
    public void What_the_server_writes_its_own_decoder_reads_back()
    {
        var frames = new[] { ServerFrames.Welcome(1, 5000, "v"), ServerFrames.Shutdown("bye", 1), ServerFrames.Error(new ProtocolError(ErrorCode.UnknownCmd, "x")) };
        using var decoder = new FrameDecoder(5000, 32);

        var decoded = Streams.DecodeAll(decoder, [Streams.Concat(frames.Select(f => f.ToLengthPrefixed()))]);

        Assert.Equal(["WELCOME", "SHUTDOWN", "ERROR"], decoded.Select(d => d.Envelope!.Cmd));
    }

    [Theory]
    [InlineData(ErrorCode.FrameTooLarge, "frame_too_large")]
    [InlineData(ErrorCode.BadUtf8, "bad_utf8")]
    [InlineData(ErrorCode.BadJson, "bad_json")]
    [InlineData(ErrorCode.BadEnvelope, "bad_envelope")]
    [InlineData(ErrorCode.UnknownCmd, "unknown_cmd")]
    [InlineData(ErrorCode.IdleTimeout, "idle_timeout")]
    [InlineData(ErrorCode.RateLimited, "rate_limited")]
    [InlineData(ErrorCode.ServerFull, "server_full")]
    [InlineData(ErrorCode.TooManyConnections, "too_many_connections")]
    [InlineData(ErrorCode.BadRequest, "bad_request")]
    [InlineData(ErrorCode.BadName, "bad_name")]
    [InlineData(ErrorCode.BadRoom, "bad_room")]
    [InlineData(ErrorCode.RoomFull, "room_full")]
    [InlineData(ErrorCode.TooManyRooms, "too_many_rooms")]
    [InlineData(ErrorCode.AlreadyInRoom, "already_in_room")]
    [InlineData(ErrorCode.NotInRoom, "not_in_room")]
    [InlineData(ErrorCode.NoSuchUser, "no_such_user")]
    [InlineData(ErrorCode.Kicked, "kicked")]
    [InlineData(ErrorCode.BadToken, "bad_token")]
    [InlineData(ErrorCode.Unauthenticated, "unauthenticated")]
    [InlineData(ErrorCode.Replaced, "replaced")]
    [InlineData(ErrorCode.BadSession, "bad_session")]
    public void Every_code_has_its_wire_name(ErrorCode code, string wire)
    {
        Assert.Equal(wire, code.ToWire());
    }

    [Fact]
    public void Every_code_is_covered_above()
    {
        Assert.Equal(22, Enum.GetValues<ErrorCode>().Length);
    }

    private static JObject Parse(EncodedFrame frame) =>
        JsonConvert.DeserializeObject<JObject>(
            Encoding.UTF8.GetString(frame.Json.Span),
            new JsonSerializerSettings { DateParseHandling = DateParseHandling.None })!;
}
