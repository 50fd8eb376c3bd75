using ActorGameServer.Client;
using ActorGameServer.Server.Tests.Support;

namespace ActorGameServer.Server.Tests.EndToEnd;

/// <summary>RELAY between many real clients in many rooms: exactly once, in order per sender, byte for byte.</summary>
public sealed class RelayTests : IAsyncLifetime
{
    private const string End = "\"end\"";

    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    /// <summary>
    /// A numbered payload with what a naive server would mangle: a non-ASCII string with escapes,
    /// an integer a double cannot hold, a decimal with a trailing zero.
    /// </summary>
    private static string Data(int seq) =>
        $$"""{"seq":{{seq}},"big":9007199254740993,"text":"Grüße, 世界 🎮 \"q\" \u00e9\n","exact":1.50,"list":[-0.0,1e400,null]}""";

    [Fact]
    public async Task Twenty_rooms_of_eight_each_member_gets_every_other_members_relays_exactly_once_in_order()
    {
        const int rooms = 20;
        const int members = 8;
        const int count = 50;
        var players = new GameClient[rooms][];
        try
        {
            // Rooms fill concurrently; within a room members join one after another.
            await Task.WhenAll(Enumerable.Range(0, rooms).Select(async r =>
            {
                players[r] = new GameClient[members];
                for (var m = 0; m < members; m++)
                {
                    players[r][m] = await _server.ConnectPlayerAsync($"r{r}-m{m}");
                    await players[r][m].JoinAsync($"room-{r}").Soon();
                }
            }));
            // Each member was told of exactly the members who joined after it, and of nothing else.
            await Task.WhenAll(Enumerable.Range(0, rooms).SelectMany(r => Enumerable.Range(0, members).Select(async m =>
            {
                var expected = players[r][(m + 1)..].Select(p => Players.Canon("PRESENCE", $$$"""{"room":"room-{{{r}}}","joined":{"user_id":{{{p.UserId}}},"name":"r{{{r}}}-m{{{Array.IndexOf(players[r], p)}}}"}}"""));
                Assert.Equal(expected, (await players[r][m].DrainAsync()).Select(Players.Canon));
            })));

            // Everyone relays at once, and reads until it has every other member's end marker.
            var all = players.SelectMany((room, r) => room.Select(p => (Player: p, Room: $"room-{r}"))).ToArray();
            var received = await Task.WhenAll(all.Select(async x =>
            {
                var reading = Task.Run(() => ReadUntilEndsAsync(x.Player, members - 1));
                for (var seq = 0; seq < count; seq++)
                {
                    await x.Player.RelayAsync(x.Room, Data(seq));
                }

                await x.Player.RelayAsync(x.Room, End);
                return await reading.Soon();
            }));

            // Every relay anyone sent has now been fanned out (each sender's end marker came after
            // its relays), so a WHO answered by each player's room shows whether that room sent
            // it anything more (its own relays back, a second copy).
            await Task.WhenAll(all.Select(x => x.Player.AssertNothingPendingFromRoomAsync(x.Room)));

            var expectedData = Enumerable.Range(0, count).Select(Data).ToList();
            for (var i = 0; i < all.Length; i++)
            {
                var (player, room) = all[i];
                var others = players[i / members].Where(p => p != player).Select(p => p.UserId).Order();
                Assert.Equal(others, received[i].Keys.Order());
                foreach (var (from, relays) in received[i])
                {
                    Assert.All(relays, relay => Assert.Equal(room, relay.Room));
                    // Byte-identical data, none missing, none twice, in the order sent.
                    Assert.Equal(expectedData, relays.Select(relay => relay.Data).ToList());
                }
            }
        }
        finally
        {
            await Task.WhenAll(players.Where(room => room is not null).SelectMany(room => room).Where(p => p is not null).Select(p => p.DisposeAsync().AsTask()));
        }

        await _server.WaitForOnlineCountAsync(0);
    }

    [Fact]
    public async Task Relays_sent_right_after_join_before_joined_arrives_reach_the_others_in_order()
    {
        // The protocol lets a member relay as soon as it has sent JOIN; a game keeps relaying
        // after JOINED. The room must see one member's relays in the order sent, also when the
        // server's room directory is busy (here with WHO requests for a room nobody is in,
        // standing in for other players' lobby traffic) while the JOIN is on its way.
        const int rooms = 10;
        const int senders = 7;
        const int count = 20;
        const int busywork = 200;
        var observers = new GameClient[rooms];
        var joiners = new GameClient[rooms * senders];
        try
        {
            for (var r = 0; r < rooms; r++)
            {
                observers[r] = await _server.ConnectPlayerAsync();
                await observers[r].JoinAsync($"busy-{r}").Soon();
            }

            for (var i = 0; i < joiners.Length; i++)
            {
                joiners[i] = await _server.ConnectPlayerAsync();
            }

            var reading = observers.Select(o => Task.Run(() => ReadUntilEndsAsync(o, senders, keepPresence: true))).ToArray();
            await Task.WhenAll(joiners.Select(async (joiner, i) =>
            {
                var room = $"busy-{i % rooms}";
                var joined = joiner.JoinAsync(room); // Not awaited: the first half follows at once,
                for (var w = 0; w < busywork; w++)
                {
                    await joiner.SendAsync("WHO", """{"room":"nobody-here"}""");
                }

                for (var seq = 0; seq < count / 2; seq++)
                {
                    await joiner.RelayAsync(room, Data(seq));
                }

                await joined.Soon(); // the second half once the player knows it is in.
                for (var seq = count / 2; seq < count; seq++)
                {
                    await joiner.RelayAsync(room, Data(seq));
                }

                await joiner.RelayAsync(room, End);
            }));

            var expectedData = Enumerable.Range(0, count).Select(Data).ToList();
            for (var r = 0; r < rooms; r++)
            {
                var received = await reading[r].Soon();
                var mine = joiners.Where((_, i) => i % rooms == r).Select(j => j.UserId).Order();
                Assert.Equal(mine, received.Keys.Where(k => k > 0).Order());
                foreach (var (from, relays) in received.Where(kv => kv.Key > 0))
                {
                    Assert.Equal(expectedData, relays.Select(relay => relay.Data).ToList());
                }
            }
        }
        finally
        {
            await Task.WhenAll(observers.Concat(joiners).Where(p => p is not null).Select(p => p.DisposeAsync().AsTask()));
        }

        await _server.WaitForOnlineCountAsync(0);
    }

    [Theory]
    [InlineData("\"héllo wörld 🎮 \\\"quoted\\\" \\u00e9 \\ud83c\\udfae\"")]
    [InlineData("9007199254740993")]
    [InlineData("-12345678901234567890123456789")]
    [InlineData("1.50")]
    [InlineData("1e400")]
    [InlineData("[1,2,{\"z\":null},[]]")]
    [InlineData("{\"from\":999,\"user_id\":999,\"room\":\"elsewhere\"}")]
    [InlineData("null")]
    [InlineData("false")]
    public async Task Relay_data_arrives_byte_for_byte_with_the_real_sender_and_room(string data)
    {
        await using var sender = await _server.ConnectPlayerAsync();
        await using var receiver = await _server.ConnectPlayerAsync();
        await receiver.JoinAsync("bytes").Soon();
        await sender.JoinAsync("bytes").Soon();
        Assert.Equal("PRESENCE", (await receiver.NextAsync()).Cmd);

        await sender.RelayAsync("bytes", data);

        var relay = await receiver.NextAsync();
        Assert.Equal("RELAY", relay.Cmd);
        Assert.Equal(data, relay.Message.GetProperty("data").GetRawText());
        Assert.Equal(sender.UserId, relay.Message.GetProperty("from").GetInt64());
        Assert.Equal("bytes", relay.Message.GetProperty("room").GetString());
        await sender.AssertNothingPendingFromRoomAsync("bytes"); // The sender does not get its own relay back.
    }

    private sealed record Relayed(string Room, string Data);

    /// <summary>
    /// Reads pushes until <paramref name="senders"/> end markers arrived, grouping relays by
    /// <c>from</c>. Any other push fails, except PRESENCE when <paramref name="keepPresence"/>
    /// (recorded under -user_id, so it can be checked before that user's relays).
    /// </summary>
    private static async Task<Dictionary<long, List<Relayed>>> ReadUntilEndsAsync(GameClient client, int senders, bool keepPresence = false)
    {
        var bySender = new Dictionary<long, List<Relayed>>();
        var ends = new HashSet<long>();
        while (ends.Count < senders)
        {
            var frame = await client.NextAsync();
            if (keepPresence && frame.Cmd == "PRESENCE" && frame.Message.TryGetProperty("joined", out var joined))
            {
                var joiner = joined.GetProperty("user_id").GetInt64();
                Assert.False(bySender.ContainsKey(joiner), $"user {joiner}'s relays arrived before its PRESENCE joined");
                bySender.Add(-joiner, []);
                continue;
            }

            if (frame.Cmd != "RELAY")
            {
                Assert.Fail($"user {client.UserId} got an unexpected {Players.Canon(frame)}");
            }

            var from = frame.Message.GetProperty("from").GetInt64();
            Assert.NotEqual(client.UserId, from);
            var data = frame.Message.GetProperty("data").GetRawText();
            if (data == End)
            {
                Assert.True(ends.Add(from), $"user {from}'s end marker arrived twice");
                continue;
            }

            Assert.False(ends.Contains(from), $"user {from} relayed after its end marker");
            if (!bySender.TryGetValue(from, out var list))
            {
                bySender[from] = list = [];
            }

            list.Add(new Relayed(frame.Message.GetProperty("room").GetString()!, data));
        }

        return bySender;
    }
}
