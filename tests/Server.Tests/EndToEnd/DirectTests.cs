using ActorGameServer.Client;
using ActorGameServer.Server.Tests.Support;

namespace ActorGameServer.Server.Tests.EndToEnd;

/// <summary>DIRECT: to the one addressed player, exactly once, in order per sender.</summary>
public sealed class DirectTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static string Data(int seq) => $$"""{"seq":{{seq}},"big":9007199254740993,"text":"ça va? 🎮 \u2603"}""";

    [Fact]
    public async Task Directs_from_several_senders_reach_only_the_target_each_exactly_once_in_order()
    {
        const int senders = 5;
        const int count = 50;
        await using var target = await _server.ConnectPlayerAsync("target");
        await using var bystander = await _server.ConnectPlayerAsync("bystander");
        var from = new GameClient[senders];
        try
        {
            for (var i = 0; i < senders; i++)
            {
                from[i] = await _server.ConnectPlayerAsync($"sender-{i}");
            }

            // Everyone shares a room, so a DIRECT leaking into room traffic would show.
            foreach (var player in from.Append(target).Append(bystander))
            {
                await player.JoinAsync("shared").Soon();
            }

            foreach (var player in from.Append(target).Append(bystander))
            {
                await player.DrainAsync();
            }

            await Task.WhenAll(from.Select(async sender =>
            {
                for (var seq = 0; seq < count; seq++)
                {
                    await sender.DirectAsync(target.UserId, Data(seq));
                }
            }));

            var received = new Dictionary<long, List<string>>();
            for (var i = 0; i < senders * count; i++)
            {
                var direct = await target.NextAsync();
                if (direct.Cmd != "DIRECT")
                {
                    Assert.Fail($"unexpected {Players.Canon(direct)}");
                }

                Assert.Null(direct.Id);
                var sender = direct.Message.GetProperty("from").GetInt64();
                if (!received.TryGetValue(sender, out var list))
                {
                    received[sender] = list = [];
                }

                list.Add(direct.Message.GetProperty("data").GetRawText());
            }

            Assert.Equal(from.Select(s => s.UserId).Order(), received.Keys.Order());
            var expected = Enumerable.Range(0, count).Select(Data).ToList();
            Assert.All(received.Values, list => Assert.Equal(expected, list));

            // All of them arrived, so the registry has handled every DIRECT: a duplicate or a copy
            // to someone else would come ahead of a DIRECT sent now, and a leak into the room
            // ahead of the room's answer to a WHO.
            await target.AssertNothingPendingFromDirectsAsync(bystander);
            await bystander.AssertNothingPendingFromDirectsAsync(target);
            foreach (var sender in from)
            {
                await sender.AssertNothingPendingFromDirectsAsync(target); // One at a time: the target sends each sentinel.
            }

            await Task.WhenAll(from.Append(target).Append(bystander).Select(p => p.AssertNothingPendingFromRoomAsync("shared")));
        }
        finally
        {
            await Task.WhenAll(from.Where(s => s is not null).Select(s => s.DisposeAsync().AsTask()));
        }
    }

    [Fact]
    public async Task Direct_to_an_unknown_or_departed_user_gets_no_such_user_and_the_connection_stays_open()
    {
        await using var sender = await _server.ConnectPlayerAsync();
        var departed = await _server.ConnectPlayerAsync();
        var departedId = departed.UserId;
        await departed.DisposeAsync();
        await _server.WaitForOnlineCountAsync(1);

        await sender.RequestAsync("DIRECT", """{"to":999999,"data":1}""").ExpectErrorAsync("no_such_user");
        await sender.RequestAsync("DIRECT", $$"""{"to":{{departedId}},"data":1}""").ExpectErrorAsync("no_such_user");
        await sender.RequestAsync("DIRECT", """{"to":-1,"data":1}""").ExpectErrorAsync("no_such_user");
        await sender.RequestAsync("DIRECT", """{"data":1}""").ExpectErrorAsync("bad_request");
        await sender.RequestAsync("DIRECT", """{"to":"2","data":1}""").ExpectErrorAsync("bad_request");
        await sender.RequestAsync("DIRECT", """{"to":1.5,"data":1}""").ExpectErrorAsync("bad_request");

        await sender.AssertStillServedAsync();
        await sender.AssertNothingPendingFromDirectsAsync(sender); // Nothing came back to the sender through the registry.
    }
}
