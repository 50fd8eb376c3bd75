using System.Text;
using ActorGameServer.Server.Tests.Support;
using FsCheck;
using FsCheck.Fluent;

namespace ActorGameServer.Server.Tests.Http;

/// <summary>
/// Generated WebSocket traffic, valid and hostile mixed: any opcode, fragments, missing masks,
/// noise, envelopes, close or reset at the end. Whatever arrives, the server stays up, leaves no
/// player behind, and a TCP player next to it keeps getting every PONG.
/// </summary>
public sealed class WebSocketFuzzTests
{
    private sealed record Frame(byte Opcode, bool Fin, bool Mask, byte[] Payload);

    private static readonly Gen<byte[]> Payloads = Gen.OneOf(
        ArbMap.Default.GeneratorFor<byte[]>(),
        Gen.Constant("""{"cmd":"PING","message":1}"""u8.ToArray()),
        Gen.Constant("""{"cmd":"JOIN","message":{"room":"fuzz"}}"""u8.ToArray()),
        Gen.Constant("""{"cmd":"RELAY","message":{"room":"fuzz","data":[1,2,3]}}"""u8.ToArray()),
        Gen.Constant("""{"cmd":"""u8.ToArray()),
        from length in Gen.Choose(4900, 5200)
        select Encoding.UTF8.GetBytes($$"""{"cmd":"PING","message":"{{new string('x', length)}}"}"""));

    private static readonly Gen<Frame> Frames =
        from opcode in Gen.Frequency((6, Gen.Elements<byte>(0x0, 0x1, 0x2)), (2, Gen.Elements<byte>(0x8, 0x9, 0xA)), (1, Gen.Choose(0, 15).Select(o => (byte)o)))
        from fin in Gen.Frequency((4, Gen.Constant(true)), (1, Gen.Constant(false)))
        from mask in Gen.Frequency((9, Gen.Constant(true)), (1, Gen.Constant(false)))
        from payload in Payloads
        select new Frame(opcode, fin, mask, opcode >= 0x8 ? payload.Take(125).ToArray() : payload);

    private static readonly Gen<(Frame[] Frames, int Ending)> Sessions =
        from frames in Gen.Choose(0, 8).SelectMany(n => Frames.ArrayOf(n))
        from ending in Gen.Choose(0, 2)
        select (frames, ending);

    [Fact]
    public async Task Whatever_a_websocket_client_sends_the_server_stays_up_and_other_players_are_unaffected()
    {
        await using var server = await TestServer.StartAsync("game-server.close-timeout = 500ms");
        var (bystander, _) = await WireClient.ConnectWelcomedAsync(server.EndPoint);
        await using var _ = bystander;
        var pings = 0;

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(60), Prop.ForAll(Sessions.ToArbitrary(), session =>
            Task.Run(async () =>
            {
                await PlayAsync(server, session.Frames, session.Ending);
                await bystander.SendJsonAsync($$"""{"cmd":"PING","message":{{++pings}}}""");
                Assert.Equal($$"""{"cmd":"PONG","message":{{pings}}}""", await bystander.ReadFrameTextAsync());
            }).GetAwaiter().GetResult()));

        // Every fuzzing client is gone, however it ended, and a new web player is served normally.
        await server.WaitForOnlineCountAsync(1);
        await using var player = await RawWebSocket.ConnectWelcomedAsync(server.HttpEndPoint);
        await player.SendTextAsync("""{"cmd":"PING","message":"after"}""");
        Assert.Equal("""{"cmd":"PONG","message":"after"}""", await player.ReadTextAsync());
    }

    private static async Task PlayAsync(TestServer server, Frame[] frames, int ending)
    {
        var client = await RawWebSocket.ConnectWelcomedAsync(server.HttpEndPoint);
        try
        {
            foreach (var frame in frames)
            {
                await client.SendFrameAsync(frame.Opcode, frame.Payload, frame.Fin, frame.Mask);
            }

            switch (ending)
            {
                case 0:
                    client.Reset();
                    return;
                case 1:
                    await client.SendFrameAsync(RawWebSocket.Close, [0x03, 0xE8]);
                    break;
            }
        }
        catch (IOException)
        {
            // The server closed on something it could not accept, mid-way: that is allowed.
        }

        await client.DisposeAsync();
    }
}
