using System.Diagnostics;
using ActorGameServer.Server.Limits;

namespace ActorGameServer.Server.Tests.Limits;

/// <summary>The limiter is driven with explicit timestamps, so these tests do not depend on the machine's speed.</summary>
public sealed class RateLimiterTests
{
    private static readonly long Second = Stopwatch.Frequency;

    private static readonly RateLimitSettings TenPerSecond = new(
        MessagesPerSecond: 10, MessageBurst: 20, BytesPerSecond: 1000, ByteBurst: 2000, DisconnectAfter: TimeSpan.FromSeconds(3), ErrorInterval: TimeSpan.FromSeconds(1));

    [Fact]
    public void A_burst_up_to_the_limit_passes_and_the_rest_is_dropped()
    {
        var limiter = new RateLimiter(TenPerSecond, 0);

        var decisions = Enumerable.Range(0, 25).Select(_ => limiter.Check(10, 0)).ToList();

        Assert.Equal(20, decisions.Count(d => d == RateDecision.Allowed));
        Assert.Equal(5, decisions.Count(IsDrop));
    }

    [Fact]
    public void Tokens_come_back_at_the_configured_rate()
    {
        var limiter = new RateLimiter(TenPerSecond, 0);
        for (var i = 0; i < 20; i++)
        {
            limiter.Check(10, 0);
        }

        Assert.True(IsDrop(limiter.Check(10, 0)));
        Assert.Equal(RateDecision.Allowed, limiter.Check(10, Second / 10)); // One token after 100 ms.
        Assert.True(IsDrop(limiter.Check(10, Second / 10)));
    }

    [Fact]
    public void The_byte_limit_drops_large_frames_even_when_few()
    {
        var limiter = new RateLimiter(TenPerSecond, 0);

        Assert.Equal(RateDecision.Allowed, limiter.Check(1500, 0));
        Assert.True(IsDrop(limiter.Check(1500, 0)));
        Assert.Equal(RateDecision.Allowed, limiter.Check(1500, Second)); // 1000 bytes back after a second.
    }

    [Fact]
    public void A_flooder_is_disconnected_once_it_has_stayed_over_the_limit_long_enough()
    {
        var limiter = new RateLimiter(TenPerSecond, 0);
        var decisions = new List<(long At, RateDecision Decision)>();

        // 100 frames a second, ten times the limit, for five seconds.
        for (long t = 0; t < 5 * Second; t += Second / 100)
        {
            decisions.Add((t, limiter.Check(10, t)));
        }

        var firstDrop = decisions.First(d => d.Decision == RateDecision.Dropped).At;
        var disconnect = decisions.First(d => d.Decision == RateDecision.Disconnect).At;
        Assert.InRange(disconnect - firstDrop, 3 * Second, 3 * Second + Second / 50);
        Assert.Contains(decisions, d => d.Decision == RateDecision.Allowed && d.At > firstDrop); // Some got through meanwhile.
    }

    [Fact]
    public void Only_the_first_drop_in_each_error_interval_is_answered_and_the_others_are_counted_for_the_next_answer()
    {
        var limiter = new RateLimiter(TenPerSecond, 0);
        var decisions = new List<(long At, RateDecision Decision, int SilentBefore)>();

        // 100 frames a second, ten times the limit, for 2.5 s (disconnect-after is 3 s).
        for (long t = 0; t < 5 * Second / 2; t += Second / 100)
        {
            var decision = limiter.Check(10, t);
            decisions.Add((t, decision, decision == RateDecision.Dropped ? limiter.TakeSilentDrops() : 0));
        }

        var answered = decisions.Where(d => d.Decision == RateDecision.Dropped).ToList();
        Assert.Equal(decisions.First(d => IsDrop(d.Decision)).At, answered[0].At); // The first drop is answered at once,
        Assert.Equal(0, answered[0].SilentBefore);
        Assert.Equal(3, answered.Count); // then one a second: at the first drop at least a second after the last answer.
        Assert.All(answered.Zip(answered.Skip(1)), pair => Assert.InRange(pair.Second.At - pair.First.At, Second, Second + Second / 50));

        // Every silent drop is reported once, by the next answer (or still waiting for one).
        var silent = decisions.Count(d => d.Decision == RateDecision.DroppedSilently);
        Assert.Equal(silent, answered.Sum(a => a.SilentBefore) + limiter.TakeSilentDrops());
        Assert.All(answered.Skip(1), a => Assert.InRange(a.SilentBefore, 80, 100)); // About 90 a second dropped, 10 allowed.
    }

    [Fact]
    public void The_disconnect_is_answered_even_within_the_error_interval_and_reports_the_silent_drops()
    {
        var limiter = new RateLimiter(TenPerSecond with { ErrorInterval = TimeSpan.FromSeconds(60) }, 0);
        var decisions = new List<RateDecision>();

        for (long t = 0; !decisions.Contains(RateDecision.Disconnect); t += Second / 100)
        {
            decisions.Add(limiter.Check(10, t));
        }

        Assert.Equal(1, decisions.Count(d => d == RateDecision.Dropped));
        Assert.Equal(decisions.Count(d => d == RateDecision.DroppedSilently), limiter.TakeSilentDrops());
    }

    [Fact]
    public void A_dropped_frame_takes_no_tokens_and_the_wait_until_one_fits_is_exact()
    {
        var limiter = new RateLimiter(TenPerSecond, 0);
        Assert.Equal(RateDecision.Allowed, limiter.Check(1500, 0)); // 500 bytes and 19 frames left.
        Assert.Equal(TimeSpan.Zero, limiter.UntilAllowed(500, 0));

        Assert.True(IsDrop(limiter.Check(1500, 0)));
        Assert.Equal(TimeSpan.FromSeconds(1), limiter.UntilAllowed(1500, 0)); // 1000 more bytes at 1000/s.

        // Frames: 19 are left after the drop (it took none), the 20th after them waits for 100 ms.
        for (var i = 0; i < 19; i++)
        {
            Assert.Equal(RateDecision.Allowed, limiter.Check(10, 0));
        }

        Assert.True(IsDrop(limiter.Check(10, 0)));
        Assert.Equal(TimeSpan.FromMilliseconds(100), limiter.UntilAllowed(10, 0));
        Assert.Equal(RateDecision.Allowed, limiter.Check(10, Second / 10));
    }

    [Fact]
    public void A_player_who_bursts_now_and_then_is_never_disconnected()
    {
        var limiter = new RateLimiter(TenPerSecond, 0);

        // Every 4 s a burst of 30 (10 more than allowed), then quiet: always recovers in between.
        for (long t = 0; t < 60 * Second; t += 4 * Second)
        {
            for (var i = 0; i < 30; i++)
            {
                Assert.NotEqual(RateDecision.Disconnect, limiter.Check(10, t));
            }
        }
    }

    [Fact]
    public void A_client_steadily_at_the_limit_is_never_dropped()
    {
        var limiter = new RateLimiter(TenPerSecond, 0);

        for (long t = 0; t < 30 * Second; t += Second / 10)
        {
            Assert.Equal(RateDecision.Allowed, limiter.Check(50, t));
        }
    }

    private static bool IsDrop(RateDecision decision) => decision is RateDecision.Dropped or RateDecision.DroppedSilently;
}
