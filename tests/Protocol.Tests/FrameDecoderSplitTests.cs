using System.Buffers;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace ActorGameServer.Protocol.Tests;

/// <summary>However the network splits a stream of frames, the decoder yields the same frames.</summary>
public sealed class FrameDecoderSplitTests
{
    private static readonly Gen<(string Message, string? Id)> AFrame =
        from message in Gen.Elements(Streams.Messages)
        from id in Gen.Elements(Streams.Ids)
        select (message, id);

    private static readonly Gen<((string Message, string? Id)[] Frames, int[] Cuts)> AStreamAndCuts =
        from frames in Gen.Choose(1, 20).SelectMany(n => AFrame.ArrayOf(n))
        from cuts in Gen.Choose(0, 3000).ArrayOf()
        select (frames, cuts);

    [Property(MaxTest = 300)]
    public Property Any_split_of_a_stream_of_frames_decodes_to_the_same_frames() =>
        Prop.ForAll(AStreamAndCuts.ToArbitrary(), input =>
        {
            var stream = Streams.Concat(input.Frames.Select(f => Streams.Frame(Streams.Json(f.Message, f.Id))));
            using var decoder = new FrameDecoder(maxPayload: 5000, maxDepth: 32);

            var decoded = Streams.DecodeAll(decoder, Streams.Split(stream, input.Cuts));

            AssertSameFrames(input.Frames, decoded);
            Assert.Equal(0, decoder.BufferedBytes);
        });

    [Fact]
    public void Every_two_and_three_way_split_of_a_small_stream_decodes_the_same()
    {
        (string, string?)[] frames = [("9007199254740993", "\"a\""), ("\"🎮\"", null), ("{\"x\":[1,{}]}", "2")];
        var stream = Streams.Concat(frames.Select(f => Streams.Frame(Streams.Json(f.Item1, f.Item2))));

        for (var i = 1; i < stream.Length; i++)
        {
            for (var j = i; j < stream.Length; j++)
            {
                using var decoder = new FrameDecoder(5000, 32);
                AssertSameFrames(frames, Streams.DecodeAll(decoder, Streams.Split(stream, [i, j])));
            }
        }
    }

    [Fact]
    public void One_byte_at_a_time_decodes_the_same()
    {
        (string, string?)[] frames = [.. Streams.Messages.Select(m => (m, (string?)null))];
        var stream = Streams.Concat(frames.Select(f => Streams.Frame(Streams.Json(f.Item1, f.Item2))));
        using var decoder = new FrameDecoder(5000, 32);

        AssertSameFrames(frames, Streams.DecodeAll(decoder, stream.Select(b => new[] { b })));
    }

    [Property(MaxTest = 200)]
    public Property FrameReader_finds_the_same_frames_in_a_sequence_of_many_segments() =>
        Prop.ForAll(AStreamAndCuts.ToArbitrary(), input =>
        {
            var payloads = input.Frames.Select(f => Encoding.UTF8.GetBytes(Streams.Json(f.Message, f.Id))).ToList();
            var buffer = Streams.Segmented(Streams.Split(Streams.Concat(payloads.Select(p => FrameWriter.Frame(p))), input.Cuts));

            foreach (var expected in payloads)
            {
                Assert.Equal(FrameStatus.Complete, FrameReader.TryRead(ref buffer, 5000, out var payload, out _));
                Assert.Equal(expected, payload.ToArray());
            }

            Assert.Equal(FrameStatus.Incomplete, FrameReader.TryRead(ref buffer, 5000, out _, out _));
            Assert.Equal(0, buffer.Length);
        });

    private static void AssertSameFrames(IReadOnlyList<(string Message, string? Id)> expected, IReadOnlyList<Decoded> decoded)
    {
        Assert.Equal(expected.Count, decoded.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            var envelope = decoded[i].Envelope;
            Assert.NotNull(envelope);
            Assert.Equal("PING", envelope.Cmd);
            Assert.Equal(expected[i].Message, envelope.Message.ToString()); // Byte for byte, not just equal in value.
            Assert.Equal(expected[i].Id, envelope.Id?.ToString());
        }
    }
}
