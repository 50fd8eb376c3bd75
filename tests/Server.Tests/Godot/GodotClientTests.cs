using System.Text.RegularExpressions;
using ActorGameServer.Server.Tests.Support;
using Xunit.Abstractions;

namespace ActorGameServer.Server.Tests.Godot;

/// <summary>A real Godot 3 engine, headless, as the client: the wire format as Godot's own StreamPeerTCP speaks it.</summary>
public sealed class GodotClientTests(ITestOutputHelper output)
{
    /// <summary>One line per check in ping_client.gd: each must be printed (see <see cref="GodotRun.AssertPassed"/>).</summary>
    private static readonly string[] ExpectedLines =
    [
        "ok: connected to 127.0.0.1:",
        "ok: WELCOME arrives first",
        "ok: WELCOME has an integer user_id >= 1",
        "ok: WELCOME has max_payload 5000",
        "ok: PONG carries the tick",
        "ok: PONG carries the unicode string",
        "ok: PONG carries the dictionary",
        "ok: PONG copies the request id",
        "ok: unknown command gets ERROR unknown_cmd",
        "ok: the connection stays open after unknown_cmd",
        "ok: 50 back-to-back PINGs answered in order",
        "ok: every check ran",
        "done: 0 failure(s)",
    ];

    [GodotFact]
    public async Task A_godot_client_is_welcomed_and_gets_exact_pongs_in_order()
    {
        await using var server = await TestServer.StartAsync();

        var run = await GodotScript.RunAsync("ping_client.gd", server.EndPoint.Port);
        output.WriteLine(run.Log);

        run.AssertPassed(ExpectedLines);
        Assert.True(Regex.IsMatch(run.Log, @"^rtt: \d+ ms$", RegexOptions.Multiline), $"Godot's output lacks the rtt line:\n{run.Log}");
    }
}
