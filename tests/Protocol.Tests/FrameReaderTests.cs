using System.Buffers;
using System.Buffers.Binary;

namespace ActorGameServer.Protocol.Tests;

public sealed class FrameReaderTests
{
    [Fact]
    public void An_oversized_frame_is_refused_from_its_header_alone()
    {
        var buffer = new ReadOnlySequence<byte>(Header(1_000_000));

        Assert.Equal(FrameStatus.TooLarge, FrameReader.TryRead(ref buffer, 5000, out _, out var length));
        Assert.Equal(1_000_000u, length);
    }

    [Theory]
    [InlineData(5000u, FrameStatus.Incomplete)] // Exactly the maximum: accepted, waiting for its bytes.
    [InlineData(5001u, FrameStatus.TooLarge)]
    [InlineData(uint.MaxValue, FrameStatus.TooLarge)] // Would be negative as a signed int.
    [InlineData(0u, FrameStatus.Empty)]
    public void The_header_decides_against_the_maximum(uint length, FrameStatus expected)
    {
        var buffer = new ReadOnlySequence<byte>(Header(length));

        Assert.Equal(expected, FrameReader.TryRead(ref buffer, 5000, out _, out _));
    }

    [Fact]
    public void Incomplete_input_is_left_untouched()
    {
        var bytes = Streams.Frame("""{"cmd":"PING"}""");
        for (var cut = 0; cut < bytes.Length; cut++)
        {
            var buffer = new ReadOnlySequence<byte>(bytes[..cut]);
            Assert.Equal(FrameStatus.Incomplete, FrameReader.TryRead(ref buffer, 5000, out _, out _));
            Assert.Equal(cut, buffer.Length);
        }
    }

    [Fact]
    public void A_header_split_over_four_segments_is_read()
    {
        var bytes = Streams.Frame("""{"cmd":"PING"}""");
        var buffer = Streams.Segmented([bytes[..1], bytes[1..2], bytes[2..3], bytes[3..]]);

        Assert.Equal(FrameStatus.Complete, FrameReader.TryRead(ref buffer, 5000, out var payload, out _));
        Assert.Equal(bytes[4..], payload.ToArray());
    }

    private static byte[] Header(uint length)
    {
        var header = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(header, length);
        return header;
    }
}
