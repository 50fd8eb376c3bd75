using System.Net;
using System.Net.Sockets;
using ActorGameServer.Server.Tests.Support;

namespace ActorGameServer.Server.Tests.Hosting;

/// <summary>The server binary as an operator meets it: start-up errors, configuration, SIGTERM.</summary>
public sealed partial class ServerProcessTests : IDisposable
{
    private static readonly Dictionary<string, string> LocalAnyPort = new()
    {
        ["GAME_SERVER_HOST"] = "127.0.0.1",
        ["GAME_SERVER_PORT"] = "0",
        ["GAME_SERVER_HTTP_PORT"] = "0",
    };

    private readonly string _directory = Directory.CreateTempSubdirectory("ags-process-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Sigterm_tells_connected_players_closes_them_unbinds_and_exits_zero()
    {
        using var server = ServerProcess.Start(_directory, LocalAnyPort);
        var endPoint = await server.WaitUntilListeningAsync();
        var (player, _) = await WireClient.ConnectWelcomedAsync(endPoint);
        await using var _ = player;
        await player.SendJsonAsync("""{"cmd":"PING","message":1}""");
        Assert.Equal("PONG", (string?)(await player.ReadFrameAsync())["cmd"]);

        server.SendSigterm();

        var shutdown = await player.ReadFrameAsync();
        Assert.Equal("SHUTDOWN", (string?)shutdown["cmd"]);
        Assert.Equal("server is restarting", (string?)shutdown["message"]!["reason"]);
        Assert.Equal(5000, (int)shutdown["message"]!["reconnect_after_ms"]!);
        Assert.True(await player.IsClosedByServerAsync());
        Assert.Equal(0, await server.WaitForExitAsync());

        var log = server.StandardOutput;
        Assert.Contains("closing 1 client connection(s)", log);
        Assert.True(
            log.IndexOf("client 1 disconnected: server shutting down (0 online)", StringComparison.Ordinal)
            < log.IndexOf("stopped listening", StringComparison.Ordinal),
            log);
    }

    [Fact]
    public async Task Finds_its_defaults_from_any_directory_and_layers_the_config_file_over_them()
    {
        var file = Path.Combine(_directory, "my.hocon");
        await File.WriteAllTextAsync(file, "game-server { max-payload = 100 }");

        using var server = ServerProcess.Start(_directory, LocalAnyPort, "--config", file);
        var endPoint = await server.WaitUntilListeningAsync();

        var (player, welcome) = await WireClient.ConnectWelcomedAsync(endPoint);
        await using var _ = player;
        Assert.Equal(100, (int)welcome["max_payload"]!);
        Assert.Equal(IPAddress.Loopback, endPoint.Address); // From GAME_SERVER_HOST.
    }

    [Theory]
    [InlineData("port 9300 = =", "invalid configuration")]
    [InlineData("game-server { port = [1, }", "the HOCON parser did not finish")]
    [InlineData("game-server { port = ", "game-server.port")]
    [InlineData("game-server { port = 70000 }", "game-server.port")]
    [InlineData("game-server { host = \"not-an-address\" }", "game-server.host")]
    [InlineData("game-server { max-payload = lots }", "game-server.max-payload")]
    public async Task A_bad_configuration_stops_start_up_with_one_clear_line_and_exit_code_1(string hocon, string mentions)
    {
        var file = Path.Combine(_directory, "bad.hocon");
        await File.WriteAllTextAsync(file, hocon);

        using var server = ServerProcess.Start(_directory, LocalAnyPort, "--config", file);

        Assert.Equal(1, await server.WaitForExitAsync());
        var error = Assert.Single(server.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", error);
        Assert.Contains(mentions, error);
    }

    [Fact]
    public async Task A_port_already_in_use_stops_start_up_with_one_clear_line_and_exit_code_2()
    {
        using var occupant = new TcpListener(IPAddress.Loopback, 0);
        occupant.Start();
        var port = ((IPEndPoint)occupant.LocalEndpoint).Port;

        using var server = ServerProcess.Start(_directory, new Dictionary<string, string>
        {
            ["GAME_SERVER_HOST"] = "127.0.0.1",
            ["GAME_SERVER_PORT"] = port.ToString(),
            ["GAME_SERVER_HTTP_PORT"] = "0",
        });

        Assert.Equal(2, await server.WaitForExitAsync());
        var error = Assert.Single(server.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"error: cannot listen on 127.0.0.1:{port}", error);
    }

    [Fact]
    public async Task An_http_port_already_in_use_stops_start_up_with_one_clear_line_and_exit_code_2()
    {
        using var occupant = new TcpListener(IPAddress.Loopback, 0);
        occupant.Start();
        var port = ((IPEndPoint)occupant.LocalEndpoint).Port;

        using var server = ServerProcess.Start(_directory, new Dictionary<string, string>(LocalAnyPort)
        {
            ["GAME_SERVER_HTTP_PORT"] = port.ToString(),
        });

        Assert.Equal(2, await server.WaitForExitAsync());
        var error = Assert.Single(server.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"error: cannot listen for HTTP on 127.0.0.1:{port}", error);
    }

    [Fact]
    public async Task Sigterm_tells_websocket_players_too_then_closes_them_going_away()
    {
        using var server = ServerProcess.Start(_directory, LocalAnyPort);
        await server.WaitUntilListeningAsync();
        var url = await server.WaitForLogAsync(WebSocketLine());
        Assert.StartsWith("ws://127.0.0.1:", url);
        using var player = new System.Net.WebSockets.ClientWebSocket();
        await player.ConnectAsync(new Uri(url), CancellationToken.None);
        Assert.Contains("WELCOME", await HttpListenerTests.ReceiveTextAsync(player));

        server.SendSigterm();

        var shutdown = Json.Parse(await HttpListenerTests.ReceiveTextAsync(player));
        Assert.Equal("SHUTDOWN", (string?)shutdown["cmd"]);
        var close = await player.ReceiveAsync(new byte[16], CancellationToken.None);
        Assert.Equal(System.Net.WebSockets.WebSocketMessageType.Close, close.MessageType);
        Assert.Equal(System.Net.WebSockets.WebSocketCloseStatus.EndpointUnavailable, player.CloseStatus); // 1001, going away.
        Assert.Equal(0, await server.WaitForExitAsync());
        Assert.Contains("client 1 disconnected: server shutting down (0 online)", server.StandardOutput);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"WebSocket players connect to (ws://\S+/ws)")]
    private static partial System.Text.RegularExpressions.Regex WebSocketLine();

    [Fact]
    public async Task An_unknown_argument_is_refused_with_the_usage()
    {
        using var server = ServerProcess.Start(_directory, LocalAnyPort, "--prot", "9300");

        Assert.Equal(1, await server.WaitForExitAsync());
        Assert.Contains("unknown argument '--prot'", server.StandardError);
        Assert.Contains("usage:", server.StandardError);
    }
}
