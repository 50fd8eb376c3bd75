using System.Diagnostics;

namespace ActorGameServer.Server.Limits;

/// <summary>What to do with a frame a client sent.</summary>
public enum RateDecision
{
    /// <summary>Within the limits: handle it.</summary>
    Allowed,

    /// <summary>Over a limit: drop it and tell the client.</summary>
    Dropped,

    /// <summary>Over a limit for longer than the client may be: disconnect it.</summary>
    Disconnect,
}

/// <summary>
/// Limits one connection's frames per second and bytes per second with two token buckets.
/// A frame over either limit is dropped. The client counts as staying over the limit from its
/// first dropped frame until both buckets have refilled to half their burst again; a flooder
/// never lets them (whatever gets through uses up the tokens as they come), so once it has been
/// over for <see cref="RateLimitSettings.DisconnectAfter"/>, its next dropped frame disconnects it.
/// A player who bursts once recovers within a second or two and is never disconnected.
/// </summary>
public sealed class RateLimiter
{
    private readonly TokenBucket _messages;
    private readonly TokenBucket _bytes;
    private readonly long _disconnectAfterTicks;
    private long? _overSince;

    public RateLimiter(RateLimitSettings settings, long nowTicks)
    {
        _messages = new TokenBucket(settings.MessagesPerSecond, settings.MessageBurst, nowTicks);
        _bytes = new TokenBucket(settings.BytesPerSecond, settings.ByteBurst, nowTicks);
        _disconnectAfterTicks = (long)(settings.DisconnectAfter.TotalSeconds * Stopwatch.Frequency);
    }

    /// <param name="frameBytes">The whole frame's size on the wire, header included.</param>
    public RateDecision Check(int frameBytes, long nowTicks)
    {
        if (_overSince is not null && Recovered(nowTicks))
        {
            _overSince = null;
        }

        if (_messages.TryTake(1, nowTicks) && _bytes.TryTake(frameBytes, nowTicks))
        {
            return RateDecision.Allowed;
        }

        _overSince ??= nowTicks;
        return nowTicks - _overSince.Value >= _disconnectAfterTicks ? RateDecision.Disconnect : RateDecision.Dropped;
    }

    private bool Recovered(long nowTicks) =>
        _messages.AvailableAt(nowTicks) >= _messages.Burst / 2 && _bytes.AvailableAt(nowTicks) >= _bytes.Burst / 2;
}
