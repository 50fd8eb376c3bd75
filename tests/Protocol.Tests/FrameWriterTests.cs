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

        Assert.Equal(frame.Length - 4, (int)BinaryPrimitives.ReadUInt32LittleEndian(frame));
        Assert.Equal("""{"cmd":"PONG","message":{"t":9007199254740993,"s":"🎮"},"id":"r1"}""", Encoding.UTF8.GetString(frame, 4, frame.Length - 4));
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
    }

    [Fact]
    public void What_the_server_writes_its_own_decoder_reads_back()
    {
        var frames = new[] { ServerFrames.Welcome(1, 5000, "v"), ServerFrames.Shutdown("bye", 1), ServerFrames.Error(new ProtocolError(ErrorCode.UnknownCmd, "x")) };
        using var decoder = new FrameDecoder(5000, 32);

        var decoded = Streams.DecodeAll(decoder, [Streams.Concat(frames)]);

        Assert.Equal(["WELCOME", "SHUTDOWN", "ERROR"], decoded.Select(d => d.Envelope!.Cmd));
    }

    [Theory]
    [InlineData(ErrorCode.FrameTooLarge, "frame_too_large", true)]
    [InlineData(ErrorCode.BadUtf8, "bad_utf8", true)]
    [InlineData(ErrorCode.BadJson, "bad_json", true)]
    [InlineData(ErrorCode.BadEnvelope, "bad_envelope", true)]
    [InlineData(ErrorCode.UnknownCmd, "unknown_cmd", false)]
    [InlineData(ErrorCode.IdleTimeout, "idle_timeout", true)]
    [InlineData(ErrorCode.RateLimited, "rate_limited", false)]
    [InlineData(ErrorCode.ServerFull, "server_full", true)]
    [InlineData(ErrorCode.TooManyConnections, "too_many_connections", true)]
    [InlineData(ErrorCode.BadRequest, "bad_request", false)]
    [InlineData(ErrorCode.BadName, "bad_name", false)]
    [InlineData(ErrorCode.BadRoom, "bad_room", false)]
    [InlineData(ErrorCode.RoomFull, "room_full", false)]
    [InlineData(ErrorCode.TooManyRooms, "too_many_rooms", false)]
    [InlineData(ErrorCode.AlreadyInRoom, "already_in_room", false)]
    [InlineData(ErrorCode.NotInRoom, "not_in_room", false)]
    [InlineData(ErrorCode.NoSuchUser, "no_such_user", false)]
    public void Every_code_has_its_wire_name_and_closing_rule(ErrorCode code, string wire, bool closes)
    {
        Assert.Equal(wire, code.ToWire());
        Assert.Equal(closes, code.ClosesConnection());
    }

    [Fact]
    public void Every_code_is_covered_above()
    {
        Assert.Equal(17, Enum.GetValues<ErrorCode>().Length);
    }

    private static JObject Parse(byte[] frame) =>
        JsonConvert.DeserializeObject<JObject>(
            Encoding.UTF8.GetString(frame, 4, frame.Length - 4),
            new JsonSerializerSettings { DateParseHandling = DateParseHandling.None })!;
}
