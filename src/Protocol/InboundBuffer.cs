using System.Buffers;

namespace ActorGameServer.Protocol;

/// <summary>
/// Holds the received bytes that do not yet form a whole frame. The array is rented from the
/// shared pool only while bytes are waiting and returned as soon as it is empty, so an idle
/// connection holds no buffer at all.
/// </summary>
public sealed class InboundBuffer : IDisposable
{
    private const int MinimumRent = 1024;

    private byte[]? _array;
    private int _start;
    private int _end;

    public int Length => _end - _start;

    public ReadOnlySequence<byte> Data =>
        _array is null ? ReadOnlySequence<byte>.Empty : new ReadOnlySequence<byte>(_array, _start, Length);

    public void Append(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return;
        }

        EnsureRoom(bytes.Length);
        bytes.CopyTo(_array.AsSpan(_end));
        _end += bytes.Length;
    }

    /// <summary>Drops the first <paramref name="count"/> bytes, which the caller has decoded.</summary>
    public void Consume(long count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, Length);
        _start += (int)count;
        if (_start == _end)
        {
            Dispose();
        }
    }

    public void Dispose()
    {
        if (_array is not null)
        {
            ArrayPool<byte>.Shared.Return(_array);
            _array = null;
        }

        _start = _end = 0;
    }

    private void EnsureRoom(int extra)
    {
        var length = Length;
        if (_array is not null && _array.Length - _end >= extra)
        {
            return;
        }

        if (_array is not null && _array.Length - length >= extra)
        {
            // Enough room if the leftover (at most one partial frame) moves to the front.
            _array.AsSpan(_start, length).CopyTo(_array);
        }
        else
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(MinimumRent, length + extra));
            if (_array is not null)
            {
                _array.AsSpan(_start, length).CopyTo(bigger);
                ArrayPool<byte>.Shared.Return(_array);
            }

            _array = bigger;
        }

        _start = 0;
        _end = length;
    }
}
