using System.Text.RegularExpressions;
using ActorGameServer.Client;
using ActorGameServer.Server.Tests.Support;
using Xunit.Abstractions;

namespace ActorGameServer.Server.Tests.Godot;

/// <summary>
/// A real Godot 3 engine, headless, over WebSocket (the server's /ws, as an HTML5 export reaches
/// it): the wire as Godot's WebSocketClient speaks it, then the addon's protocol.gd in a room
/// with a TCP player, relaying both ways.
/// </summary>
public sealed class GodotWebSocketTests(ITestOutputHelper output)
{
    private const string Room = "godot-ws-e2e";
    private const string TcpPlayer = "tcp-player";

    /// <summary>ws_client.gd's name for itself.</summary>
    private const string GodotPlayer = "godot-ws";

    /// <summary>What the TCP player relays; ws_client.gd's FROM_TCP is the same value.</summary>
    private const string TcpPlayerData = """{"x":100.5,"y":-2,"name":"tcp","text":"héllo ✓ 🎮","nested":{"ok":true,"none":null}}""";

    /// <summary>What ws_client.gd relays back (its TO_TCP), as Godot's JSON.print writes it.</summary>
    private const string GodotData = """{"seq":1,"x":1.5,"text":"wörld ✓","from":"data-godot"}""";

    /// <summary>One line per check in ws_client.gd (see <see cref="GodotRun.AssertPassed"/>).</summary>
    private static readonly string[] ExpectedLines =
    [
        "ok: WebSocket connected to ws://127.0.0.1:",
        "ok: WELCOME arrives first",
        "ok: WELCOME has an integer user_id >= 1",
        "ok: WELCOME has max_payload 5000",
        "ok: PONG carries the tick",
        "ok: PONG carries the unicode string",
        "ok: PONG carries the dictionary",
        "ok: PONG's text holds the PING's message byte for byte",
        "ok: PONG copies the request id",
        "ok: unknown command gets ERROR unknown_cmd",
        "ok: the connection stays open after unknown_cmd",
        "ok: a PING in a binary message is answered too",
        "ok: 50 back-to-back PINGs answered in order, one message each",
        "ok: every message from the server is a text message (0 of",
        "ok: the addon is welcomed over WebSocket with an int user_id",
        $"ok: HELLO_OK names me {GodotPlayer}",
        $"ok: JOINED {Room} lists the TCP player {TcpPlayer}",
        "ok: received the TCP player's RELAY, from its user id, data unchanged",
        "ok: relayed to the TCP player",
        "ok: the server answered the PING after the RELAY",
        "ok: every check ran",
        "done: 0 failure(s)",
    ];

    [GodotFact]
    public async Task A_godot_websocket_client_gets_exact_pongs_and_exchanges_relays_with_a_tcp_player_until_it_leaves()
    {
        await using var server = await TestServer.StartAsync();
        // In the room before Godot starts, so Godot's JOIN reaches it as PRESENCE.
        await using var tcp = await server.ConnectPlayerAsync(TcpPlayer);
        await tcp.JoinAsync(Room).Soon();

        var godot = GodotScript.RunAsync("ws_client.gd", server.EndPoint.Port, new Dictionary<string, string>
        {
            ["GAME_SERVER_URL"] = server.WebSocketUri.ToString(),
            ["AGS_ROOM"] = Room,
            ["AGS_PEER"] = TcpPlayer,
        });
        var tcpSide = RelayWithGodotAsync(tcp);

        // Godot's log first: when Godot fails, the TCP side only times out, and the log says why.
        var run = await godot;
        output.WriteLine(run.Log);
        run.AssertPassed(ExpectedLines);
        Assert.True(Regex.IsMatch(run.Log, @"^rtt: \d+ ms$", RegexOptions.Multiline), $"Godot's output lacks the rtt line:\n{run.Log}");

        var (godotId, relay) = await tcpSide;
        Assert.Equal(
            Players.Canon("RELAY", $$"""{"room":"{{Room}}","from":{{godotId}},"data":{{GodotData}}}"""),
            Players.Canon(relay));
        // Godot's engine has exited: its WebSocket connection ended, and with it its membership.
        Assert.Equal(
            Players.Canon("PRESENCE", $$"""{"room":"{{Room}}","left":{"user_id":{{godotId}} } }"""),
            Players.Canon(await tcp.NextAsync()));
        await tcp.AssertNothingPendingAsync();
    }

    /// <summary>
    /// Waits for Godot to join, relays to it, and returns Godot's user id and the next push, which
    /// must be Godot's RELAY: Godot relays once, after receiving ours, and sends nothing else to the room.
    /// </summary>
    private static async Task<(long GodotId, ServerFrame Relay)> RelayWithGodotAsync(GameClient tcp)
    {
        var presence = await tcp.NextAsync();
        Assert.Equal("PRESENCE", presence.Cmd);
        var joined = presence.Message.GetProperty("joined");
        Assert.Equal(GodotPlayer, joined.GetProperty("name").GetString());
        var godotId = joined.GetProperty("user_id").GetInt64();

        await tcp.RelayAsync(Room, TcpPlayerData).Soon();
        return (godotId, await tcp.NextAsync());
    }
}
