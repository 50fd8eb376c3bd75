using System.Net;
using System.Net.Sockets;
using System.Text;
using ActorGameServer.Server.Tests.Support;

namespace ActorGameServer.Server.Tests.EndToEnd;

public sealed class SlowReaderTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync("""
        game-server {
          max-outbound-bytes = 64k
          rate-limit { messages-per-second = 100000, burst = 100000, bytes-per-second = 100m, byte-burst = 100m }
        }
        """);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_client_that_sends_but_never_reads_is_disconnected_and_its_neighbour_keeps_playing()
    {
        var (neighbour, _) = await WireClient.ConnectWelcomedAsync(_server.EndPoint);
        await using var _ = neighbour;
        using var reader = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        await reader.ConnectAsync(new IPEndPoint(IPAddress.Loopback, _server.EndPoint.Port));
        await _server.WaitForOnlineCountAsync(2);

        var ping = WireClient.Frame(Encoding.UTF8.GetBytes($$"""{"cmd":"PING","message":"{{new string('x', 4000)}}"}"""));
        await SlowReader.FloodUntilDroppedAsync(_server, reader, ping, neighbour, remaining: 1);

        await neighbour.SendJsonAsync("""{"cmd":"PING","message":"fine"}""");
        Assert.Equal("""{"cmd":"PONG","message":"fine"}""", await neighbour.ReadFrameTextAsync());
    }
}
