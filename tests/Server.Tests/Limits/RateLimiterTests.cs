using System.Diagnostics;
using ActorGameServer.Server.Limits;

namespace ActorGameServer.Server.Tests.Limits;

/// <summary>The limiter is driven with explicit timestamps, so these tests do not depend on the machine's speed.</summary>
public sealed class RateLimiterTests
{
    private static readonly long Second = Stopwatch.Frequency;

    private static readonly RateLimitSettings TenPerSecond = new(
        MessagesPerSecond: 10, MessageBurst: 20, BytesPerSecond: 1000, ByteBurst: 2000, DisconnectAfter: TimeSpan.FromSeconds(3));

    [Fact]
    public void A_burst_up_to_the_limit_passes_and_the_rest_is_dropped()
    {
        var limiter = new RateLimiter(TenPerSecond, 0);

        var decisions = Enumerable.Range(0, 25).Select(_ => limiter.Check(10, 0)).ToList();

        Assert.Equal(20, decisions.Count(d => d == RateDecision.Allowed));
        Assert.Equal(5, decisions.Count(d => d == RateDecision.Dropped));
    }

    [Fact]
    public void Tokens_come_back_at_the_configured_rate()
    {
        var limiter = new RateLimiter(TenPerSecond, 0);
        for (var i = 0; i < 20; i++)
        {
            limiter.Check(10, 0);
        }

        Assert.Equal(RateDecision.Dropped, limiter.Check(10, 0));
        Assert.Equal(RateDecision.Allowed, limiter.Check(10, Second / 10)); // One token after 100 ms.
        Assert.Equal(RateDecision.Dropped, limiter.Check(10, Second / 10));
    }

    [Fact]
    public void The_byte_limit_drops_large_frames_even_when_few()
    {
        var limiter = new RateLimiter(TenPerSecond, 0);

        Assert.Equal(RateDecision.Allowed, limiter.Check(1500, 0));
        Assert.Equal(RateDecision.Dropped, limiter.Check(1500, 0));
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
}
