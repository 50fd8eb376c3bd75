using System.Diagnostics;

namespace ActorGameServer.Server.Limits;

/// <summary>What to do with a frame a client sent.</summary>
public enum RateDecision
{
    /// <summary>Within the limits: handle it.</summary>
    Allowed,

    /// <summary>Over a limit: drop it and tell the client (the first drop in an error interval).</summary>
    Dropped,

    /// <summary>
    /// Over a limit, and the client was already told within the error interval: drop it without
    /// an answer. It is counted, and the next answer says how many went unanswered.
    /// </summary>
    DroppedSilently,

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
/// <para>
/// Only the first drop in each <see cref="RateLimitSettings.ErrorInterval"/> is answered: a client
/// that floods gets one ERROR a second, not one per frame, which would cost the server as much as
/// the PONGs it was spared and fill the client's receive buffer with errors it does not read.
/// </para>
/// </summary>
public sealed class RateLimiter
{
    private readonly RateLimitSettings _settings;
    private readonly TokenBucket _messages;
    private readonly TokenBucket _bytes;
    private long? _overSince;
    // When a drop may next be answered; until then drops are counted in _silentDrops.
    private long _nextAnswerTicks;
    private int _silentDrops;

    public RateLimiter(RateLimitSettings settings, long nowTicks)
    {
        _settings = settings;
        _messages = new TokenBucket(settings.MessagesPerSecond, settings.MessageBurst, nowTicks);
        _bytes = new TokenBucket(settings.BytesPerSecond, settings.ByteBurst, nowTicks);
        _nextAnswerTicks = nowTicks;
    }

    /// <param name="frameBytes">The whole frame's size on the wire, header included.</param>
    public RateDecision Check(int frameBytes, long nowTicks)
    {
        if (_overSince is not null && Recovered(nowTicks))
        {
            _overSince = null;
        }

        // Both buckets are checked before either is taken from: a dropped frame costs no tokens,
        // so UntilAllowed is exact and a frame dropped for its size leaves the frame count alone.
        if (_messages.AvailableAt(nowTicks) >= 1 && _bytes.TryTake(frameBytes, nowTicks))
        {
            _messages.TryTake(1, nowTicks);
            return RateDecision.Allowed;
        }

        _overSince ??= nowTicks;
        if (nowTicks - _overSince.Value >= Ticks(_settings.DisconnectAfter))
        {
            return RateDecision.Disconnect;
        }

        if (nowTicks < _nextAnswerTicks)
        {
            _silentDrops++;
            return RateDecision.DroppedSilently;
        }

        _nextAnswerTicks = nowTicks + Ticks(_settings.ErrorInterval);
        return RateDecision.Dropped;
    }

    /// <summary>
    /// The frames dropped silently since the last answer, for the answer being written now
    /// (to a <see cref="RateDecision.Dropped"/> or <see cref="RateDecision.Disconnect"/>); the count starts again.
    /// </summary>
    public int TakeSilentDrops()
    {
        var count = _silentDrops;
        _silentDrops = 0;
        return count;
    }

    /// <summary>
    /// How long until a frame of <paramref name="frameBytes"/> would be allowed: until both
    /// buckets hold it (one frame, that many bytes). Zero if it would be now.
    /// </summary>
    public TimeSpan UntilAllowed(int frameBytes, long nowTicks)
    {
        var ticks = Math.Max(_messages.TicksUntil(1, nowTicks), _bytes.TicksUntil(frameBytes, nowTicks));
        return TimeSpan.FromSeconds((double)ticks / Stopwatch.Frequency);
    }

    private bool Recovered(long nowTicks) =>
        _messages.AvailableAt(nowTicks) >= _messages.Burst / 2 && _bytes.AvailableAt(nowTicks) >= _bytes.Burst / 2;

    private static long Ticks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);
}
