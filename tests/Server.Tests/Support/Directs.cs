using System.Diagnostics;
using ActorGameServer.Client;

namespace ActorGameServer.Server.Tests.Support;

/// <summary>DIRECT between players on different nodes, which learn each other's node numbers through gossip.</summary>
public static class Directs
{
    /// <summary>
    /// Sends DIRECTs from <paramref name="from"/> to <paramref name="to"/> until one arrives;
    /// returns it. A DIRECT crosses once the sender's node knows the recipient's node number, which
    /// it learns from Distributed Data (a subscriber hears of a change within half a second): until
    /// then the honest answer is no_such_user. Every try before the one that arrived must have been
    /// answered no_such_user, and nothing else may reach either player.
    /// </summary>
    public static async Task<ServerFrame> DirectUntilDeliveredAsync(GameClient from, GameClient to)
    {
        ServerFrame? direct = null;
        for (var attempt = 0; attempt < 150 && direct is null; attempt++)
        {
            await from.DirectAsync(to.UserId, $$"""{"try":{{attempt}}}""");
            try
            {
                direct = await to.NextPushAsync(TimeSpan.FromMilliseconds(200));
            }
            catch (OperationCanceledException)
            {
            }
        }

        Assert.NotNull(direct);
        Assert.Equal("DIRECT", direct.Cmd);
        Assert.StartsWith("""{"try":""", direct.Message.GetProperty("data").GetRawText());
        var earlier = await from.DrainAsync(); // The tries before the route was known.
        Assert.All(earlier, frame => Assert.Equal("ERROR", frame.Cmd));
        Assert.All(await to.DrainAsync(), frame => Assert.Equal("DIRECT", frame.Cmd)); // A slow earlier try.
        return direct;
    }

    /// <summary>
    /// Asserts that a DIRECT to <paramref name="to"/> is answered no_such_user, trying once a
    /// second for up to <paramref name="within"/>: the sender's node may still count the
    /// recipient's node as a member for a moment after it logged the removal, and a DIRECT to a
    /// node that is gone is lost, not answered.
    /// </summary>
    public static async Task ExpectNoSuchUserAsync(GameClient from, long to, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            try
            {
                await from.RequestAsync("DIRECT", $$"""{"to":{{to}},"data":"anyone there?"}""", wait.Token);
                Assert.Fail($"a DIRECT to {to} was answered without an error");
            }
            catch (GameServerException e)
            {
                Assert.Equal("no_such_user", e.Code);
                return;
            }
            catch (OperationCanceledException) when (DateTime.UtcNow < deadline)
            {
            }
        }
    }

    /// <summary>
    /// Two players sending each other DIRECTs, one at a time, until stopped: each must arrive.
    /// <see cref="StopAsync"/> says how many crossed each way and the slowest.
    /// </summary>
    public sealed class Exchange
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task<(int Count, TimeSpan Slowest)> _running;

        public Exchange(GameClient a, GameClient b) => _running = Task.Run(() => RunAsync(a, b, _stop.Token));

        public async Task<(int Count, TimeSpan Slowest)> StopAsync()
        {
            await _stop.CancelAsync();
            try
            {
                return await _running.WaitAsync(ServerCluster.Timeout);
            }
            finally
            {
                _stop.Dispose();
            }
        }

        private static async Task<(int Count, TimeSpan Slowest)> RunAsync(GameClient a, GameClient b, CancellationToken stop)
        {
            var count = 0;
            var slowest = TimeSpan.Zero;
            while (!stop.IsCancellationRequested)
            {
                foreach (var (from, to) in new[] { (a, b), (b, a) })
                {
                    var started = Stopwatch.GetTimestamp();
                    await from.DirectAsync(to.UserId, $$"""{"n":{{count}}}""");
                    var got = await to.NextAsync();
                    Assert.Equal("DIRECT", got.Cmd);
                    Assert.Equal(count, got.Message.GetProperty("data").GetProperty("n").GetInt32());
                    var took = Stopwatch.GetElapsedTime(started);
                    slowest = took > slowest ? took : slowest;
                }

                count++;
                await Task.Delay(100, CancellationToken.None);
            }

            return (count, slowest);
        }
    }
}
