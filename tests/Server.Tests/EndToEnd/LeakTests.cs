using ActorGameServer.Server.Tests.Support;

namespace ActorGameServer.Server.Tests.EndToEnd;

[Collection(Isolated.Name)]
public sealed class LeakTests
{
    [Fact]
    public async Task Thousands_of_connection_cycles_of_every_kind_leave_no_client_actor_or_socket_behind()
    {
        await using var server = await TestServer.StartAsync();
        var socketsBefore = ProcessProbe.OpenSockets();

        const int cycles = 3000;
        await Parallel.ForAsync(0, cycles, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
        {
            var client = await WireClient.ConnectAsync(server.EndPoint);
            switch (i % 4)
            {
                case 0: // Clean: welcome, ping, close.
                    await client.ReadFrameAsync();
                    await client.SendJsonAsync("""{"cmd":"PING","message":1}""");
                    await client.ReadFrameAsync();
                    await client.DisposeAsync();
                    break;
                case 1: // Reset in the middle of playing.
                    await client.ReadFrameAsync();
                    await client.SendJsonAsync("""{"cmd":"PING","message":1}""");
                    client.Reset();
                    break;
                case 2: // Half a frame, then gone.
                    await client.SendRawAsync([.. WireClient.LengthPrefix(200), .. "{\"cmd\""u8]);
                    await client.DisposeAsync();
                    break;
                default: // Gone before reading anything.
                    await client.DisposeAsync();
                    break;
            }
        });

        await server.WaitForOnlineCountAsync(0);
        Assert.Equal(0, await ProcessProbe.CountActorsAsync(server.Host, "/user/clients/*"));
        await WaitUntilAsync(async () => await ProcessProbe.CountActorsAsync(server.Host, "/system/IO-TCP/*/*") == 0);
        // Client and server sides both live in this process; every one of them must be closed.
        await WaitUntilAsync(() => Task.FromResult(ProcessProbe.OpenSockets() <= socketsBefore));
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + WireClient.DefaultTimeout;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "still leaking after " + WireClient.DefaultTimeout);
            await Task.Delay(100);
        }
    }
}
