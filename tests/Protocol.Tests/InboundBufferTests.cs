using System.Buffers;

namespace ActorGameServer.Protocol.Tests;

public sealed class InboundBufferTests
{
    [Fact]
    public void Keeps_unconsumed_bytes_in_order_across_growth_and_compaction()
    {
        using var buffer = new InboundBuffer();
        var expected = new List<byte>();
        var next = (byte)0;

        for (var round = 0; round < 50; round++)
        {
            var chunk = Enumerable.Range(0, 97 * (round % 7 + 1)).Select(_ => next++).ToArray();
            buffer.Append(chunk);
            expected.AddRange(chunk);

            var consume = expected.Count / 2;
            buffer.Consume(consume);
            expected.RemoveRange(0, consume);

            Assert.Equal(expected, buffer.Data.ToArray());
        }
    }

    [Fact]
    public void Is_empty_after_everything_is_consumed()
    {
        using var buffer = new InboundBuffer();
        buffer.Append(new byte[3000]);

        buffer.Consume(3000);

        Assert.Equal(0, buffer.Length);
        Assert.True(buffer.Data.IsEmpty);
    }

    [Fact]
    public void Consuming_more_than_it_holds_throws()
    {
        using var buffer = new InboundBuffer();
        buffer.Append(new byte[10]);

        Assert.Throws<ArgumentOutOfRangeException>(() => buffer.Consume(11));
    }
}
