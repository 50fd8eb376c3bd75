using System.Net.WebSockets;
using System.Text.RegularExpressions;
using ActorGameServer.Client;
using ActorGameServer.Server.Tests.Support;

namespace ActorGameServer.Server.Tests.WebSockets;

/// <summary>SIGTERM, as an operator stops the server: WebSocket players hear SHUTDOWN, then a going-away close.</summary>
public sealed partial class WebSocketShutdownTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ags-ws-shutdown-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Sigterm_sends_shutdown_then_closes_1001_and_game_client_pushes_end_cleanly()
    {
        using var server = ServerProcess.Start(_directory, new Dictionary<string, string>
        {
            ["GAME_SERVER_HOST"] = "127.0.0.1",
            ["GAME_SERVER_PORT"] = "0",
            ["GAME_SERVER_HTTP_PORT"] = "0",
        });
        await server.WaitUntilListeningAsync();
        var url = new Uri(await server.WaitForLogAsync(WebSocketLine()));
        var (wire, _) = await WebSocketWireClient.ConnectWelcomedAsync(url);
        await using var _ = wire;
        await using var library = await GameClient.ConnectAsync(url).Soon();
        await library.AssertStillServedAsync(); // Both are in before the signal.

        server.SendSigterm();

        var shutdown = await wire.ReadFrameAsync();
        Assert.Equal("SHUTDOWN", (string?)shutdown["cmd"]);
        Assert.False(string.IsNullOrWhiteSpace((string?)shutdown["message"]!["reason"]));
        Assert.Equal(5000, (int)shutdown["message"]!["reconnect_after_ms"]!);
        Assert.True(await wire.IsClosedByServerAsync());
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, wire.CloseStatus);

        // GameClient: SHUTDOWN is the last push, then the pushes end without an error.
        var pushes = await library.ReadPushesAsync().ToListAsync().AsTask().Soon();
        Assert.Equal(["SHUTDOWN"], pushes.Select(p => p.Cmd));

        Assert.Equal(0, await server.WaitForExitAsync());
    }

    [GeneratedRegex(@"WebSocket players connect to (ws://\S+/ws)")]
    private static partial Regex WebSocketLine();
}
