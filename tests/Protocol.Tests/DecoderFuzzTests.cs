using System.Buffers.Binary;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace ActorGameServer.Protocol.Tests;

/// <summary>
/// Hostile input, generated: whatever arrives, the decoder never throws, and it yields zero or
/// more frames, then at most one error with a defined code, after which it stays quiet.
/// </summary>
public sealed class DecoderFuzzTests
{
    private const int MaxPayload = 600;

    /// <summary>Raw noise, valid-looking headers over noise, and valid frames with damage.</summary>
    private static readonly Gen<byte[]> HostileStream = Gen.OneOf(
        ArbMap.Default.GeneratorFor<byte[]>(),
        from length in Gen.Choose(0, 2 * MaxPayload)
        from body in ArbMap.Default.GeneratorFor<byte>().ArrayOf(length)
        select Header((uint)length).Concat(body).ToArray(),
        from message in Gen.Elements(Streams.Messages)
        from damageAt in Gen.Choose(0, 40)
        from value in ArbMap.Default.GeneratorFor<byte>()
        select Damage(Streams.Frame(Streams.Json(message, null)), damageAt, value),
        from header in ArbMap.Default.GeneratorFor<uint>()
        select Header(header),
        from depth in Gen.Choose(1, 100)
        select Streams.Frame($"{{\"cmd\":\"PING\",\"message\":{new string('[', depth)}{new string(']', depth)}}}"));

    private static readonly Gen<(byte[][] Streams, int[] Cuts)> HostileInput =
        from streams in HostileStream.ArrayOf()
        from cuts in Gen.Choose(0, 4000).ArrayOf()
        select (streams, cuts);

    [Property(MaxTest = 500)]
    public Property The_decoder_never_throws_and_stops_at_the_first_error() =>
        Prop.ForAll(HostileInput.ToArbitrary(), input =>
        {
            using var decoder = new FrameDecoder(MaxPayload, 32);

            var bytes = Streams.Concat(input.Streams);
            var results = Streams.DecodeAll(decoder, Streams.Split(bytes, input.Cuts));

            var firstError = results.FindIndex(r => r.Error is not null);
            if (firstError >= 0)
            {
                Assert.Equal(results.Count - 1, firstError); // Nothing after the error.
                Assert.True(decoder.IsFaulted);
                Assert.Contains(results[firstError].Error!.Code, new[] { ErrorCode.FrameTooLarge, ErrorCode.BadUtf8, ErrorCode.BadJson, ErrorCode.BadEnvelope });
                decoder.Feed(Streams.Frame("""{"cmd":"PING"}"""));
                Assert.True(decoder.TryDecode().IsNeedMoreData);
            }

            // Each request before the error is exactly the next frame of the input: its length
            // prefix plus that many bytes, however the input was cut.
            var offset = 0;
            foreach (var request in results.Take(firstError >= 0 ? firstError : results.Count))
            {
                Assert.Equal(BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset)) + 4, (uint)request.FrameBytes);
                offset += request.FrameBytes;
            }

            Assert.InRange(decoder.BufferedBytes, 0, MaxPayload + 3); // After decoding: at most one partial frame.
        });

    [Property(MaxTest = 200)]
    public Property Nesting_is_refused_exactly_past_the_limit() =>
        Prop.ForAll(Gen.Choose(1, 100).ToArbitrary(), depth =>
        {
            using var decoder = new FrameDecoder(MaxPayload, 32);
            decoder.Feed(Streams.Frame($"{{\"cmd\":\"PING\",\"message\":{new string('[', depth)}{new string(']', depth)}}}"));

            var decoded = decoder.TryDecode();

            // The envelope is level 1, so the message may nest 31 levels.
            Assert.Equal(depth <= 31, decoded.Envelope is not null);
            Assert.Equal(depth > 31 ? ErrorCode.BadJson : null, decoded.Error?.Code);
        });

    [Property(MaxTest = 200)]
    public Property Any_invalid_byte_inside_a_string_is_bad_utf8() =>
        Prop.ForAll(Gen.Elements<byte>(0x80, 0xBF, 0xC0, 0xC1, 0xF5, 0xFF).ToArbitrary(), bad =>
        {
            var payload = Encoding.UTF8.GetBytes("""{"cmd":"PING","message":"ab"}""");
            payload[payload.Length - 3] = bad;
            using var decoder = new FrameDecoder(MaxPayload, 32);
            decoder.Feed(FrameWriter.Frame(payload));

            Assert.Equal(ErrorCode.BadUtf8, decoder.TryDecode().Error?.Code);
        });

    private static byte[] Header(uint length)
    {
        var header = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(header, length);
        return header;
    }

    private static byte[] Damage(byte[] frame, int at, byte value)
    {
        frame[at % frame.Length] = value;
        return frame;
    }
}
