using ActorGameServer.Client;

namespace ActorGameServer.Server.Tests.Support;

/// <summary>What players in rooms do and read, for the tests of rooms across nodes.</summary>
public static class RoomPlay
{
    /// <summary>Relays from <paramref name="from"/> until one reaches <paramref name="to"/>; drains both.</summary>
    public static async Task RelayUntilDeliveredAsync(GameClient from, GameClient to, string room)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            await from.RelayAsync(room, "\"probe\"");
            try
            {
                var frame = await to.NextPushAsync(TimeSpan.FromMilliseconds(500));
                if (frame.Cmd == "RELAY" && frame.Message.GetProperty("from").GetInt64() == from.UserId)
                {
                    return; // A later probe may still come; RelaysFrom counts only numbers.
                }
            }
            catch (OperationCanceledException)
            {
            }
        }

        Assert.Fail($"no relay in room {room} reached user {to.UserId} in 100 tries");
    }

    /// <summary>
    /// A room name whose actor lives on a node <paramref name="wanted"/> accepts, and that node,
    /// found by a scout that joins and leaves rooms until <paramref name="hostOf"/> names such a
    /// node. The room's shard stays where it is when the room empties, so it starts there again.
    /// A node's shard region registers with the coordinator a little after the node is Up and
    /// gets shards only from then on, so the scout tries for a while, not for a number of rooms.
    /// </summary>
    public static async Task<(string Room, int Host)> RoomLivingOnAsync(Func<Task<GameClient>> connectScout, Func<string, Task<int>> hostOf, Func<int, bool> wanted)
    {
        var scout = await connectScout();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        try
        {
            for (var i = 0; DateTime.UtcNow < deadline; i++)
            {
                if (i % 50 == 49)
                {
                    // A new scout now and then: one that joins and leaves this fast is over its rate limit.
                    await scout.DisposeAsync();
                    scout = await connectScout();
                }

                var room = $"room-{Guid.NewGuid():N}"[..12];
                await scout.JoinAsync(room).Soon();
                var host = await hostOf(room);
                await scout.LeaveAsync(room).Soon();
                if (wanted(host))
                {
                    return (room, host);
                }
            }
        }
        finally
        {
            await scout.DisposeAsync();
        }

        throw new InvalidOperationException("no room landed on the wanted node within 60 s");
    }

    /// <summary>Each player joins in turn; each earlier one reads the PRESENCE of each later one.</summary>
    public static async Task JoinAllAsync(string room, params GameClient[] players)
    {
        for (var i = 0; i < players.Length; i++)
        {
            await players[i].JoinAsync(room).Soon();
            for (var earlier = 0; earlier < i; earlier++)
            {
                Assert.Equal(players[i].UserId, JoinedUserId(await players[earlier].NextUntilAsync("PRESENCE")));
            }
        }
    }

    public static async Task RelayNumbersAsync(GameClient player, string room, int from, int count)
    {
        for (var n = from; n < from + count; n++)
        {
            await player.RelayAsync(room, n.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    /// <summary>Relays 0, 1, 2, ... every <paramref name="everyMilliseconds"/> (10 ms) until cancelled; returns how many it sent.</summary>
    public static async Task<int> RelayUntilAsync(GameClient player, string room, CancellationToken stop, int everyMilliseconds = 10)
    {
        var sent = 0;
        while (!stop.IsCancellationRequested)
        {
            await player.RelayAsync(room, sent.ToString(System.Globalization.CultureInfo.InvariantCulture));
            sent++;
            await Task.Delay(everyMilliseconds, CancellationToken.None);
        }

        return sent;
    }

    /// <summary>Reads <paramref name="count"/> relays from <paramref name="from"/>, numbered from 0; returns the count.</summary>
    public static async Task<int> WaitForRelaysAsync(GameClient player, long from, int count)
    {
        for (var seen = 0; seen < count; seen++)
        {
            var frame = await player.NextUntilAsync("RELAY");
            Assert.Equal(from, frame.Message.GetProperty("from").GetInt64());
            Assert.Equal(seen, frame.Message.GetProperty("data").GetInt32());
        }

        return count;
    }

    public static async Task<Dictionary<long, List<int>>> ReceiveRelaysAsync(GameClient player, string room, int expected)
    {
        var received = new Dictionary<long, List<int>>();
        for (var i = 0; i < expected; i++)
        {
            var frame = await player.NextUntilAsync("RELAY");
            Assert.Equal(room, frame.Message.GetProperty("room").GetString());
            var from = frame.Message.GetProperty("from").GetInt64();
            if (!received.TryGetValue(from, out var numbers))
            {
                received[from] = numbers = [];
            }

            numbers.Add(frame.Message.GetProperty("data").GetInt32());
        }

        return received;
    }

    /// <summary>Everything the room sent this member that it has not read, up to the answer to a WHO.</summary>
    public static async Task<List<ServerFrame>> DrainRoomAsync(GameClient player, string room)
    {
        await player.SendAsync("WHO", $$"""{"room":"{{room}}"}""");
        var frames = new List<ServerFrame>();
        while (true)
        {
            var frame = await player.NextAsync();
            if (frame.Cmd == "WHO")
            {
                return frames;
            }

            frames.Add(frame);
        }
    }

    /// <summary>Everything <paramref name="player"/> receives up to and including relay number <paramref name="last"/> from <paramref name="from"/>.</summary>
    public static async Task<List<ServerFrame>> ReadThroughRelayAsync(GameClient player, long from, int last)
    {
        var frames = new List<ServerFrame>();
        while (true)
        {
            var frame = await player.NextAsync();
            frames.Add(frame);
            if (frame.Cmd == "RELAY" && frame.Message.GetProperty("from").GetInt64() == from
                && frame.Message.GetProperty("data").ValueKind == System.Text.Json.JsonValueKind.Number
                && frame.Message.GetProperty("data").GetInt32() == last)
            {
                return frames;
            }
        }
    }

    /// <summary>The numbers <paramref name="from"/> relayed, in the order received (probes, which are strings, left out).</summary>
    public static IEnumerable<int> RelaysFrom(IEnumerable<ServerFrame> frames, long from) => frames
        .Where(f => f.Cmd == "RELAY" && f.Message.GetProperty("from").GetInt64() == from)
        .Select(f => f.Message.GetProperty("data"))
        .Where(data => data.ValueKind == System.Text.Json.JsonValueKind.Number)
        .Select(data => data.GetInt32());

    public static async Task WaitForListingAsync(GameClient player, string expected)
    {
        var deadline = DateTime.UtcNow + WireClient.DefaultTimeout;
        string seen;
        while ((seen = Players.Canon(await player.RoomsAsync().Soon())) != Players.Canon("ROOMS", expected) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.Equal(Players.Canon("ROOMS", expected), seen);
    }

    public static long[] Members(ServerFrame frame) =>
        [.. frame.Message.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("user_id").GetInt64())];

    public static long JoinedUserId(ServerFrame presence) => presence.Message.GetProperty("joined").GetProperty("user_id").GetInt64();

    public static long LeftUserId(ServerFrame presence) => presence.Message.GetProperty("left").GetProperty("user_id").GetInt64();
}
