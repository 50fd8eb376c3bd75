using System.Globalization;
using ActorGameServer.Client;
using ActorGameServer.Server.Tests.Support;
using Xunit.Abstractions;

namespace ActorGameServer.Server.Tests.Godot;

/// <summary>
/// A real Godot 3 engine, headless, speaking through the addon's protocol.gd, loses its TCP
/// connection and resumes its session: what a Godot game built on the addon does on a reconnect.
/// The C# player in the same room sees it go away and come back, and relays to it meanwhile.
/// </summary>
public sealed class GodotResumeTests(ITestOutputHelper output)
{
    private const string Room = "godot-resume";
    private const int Missed = 5;

    /// <summary>The checks resume_client.gd makes (see <see cref="GodotRun.AssertPassed"/>).</summary>
    private static readonly string[] ExpectedLines =
    [
        "ok: WELCOME gives a user id, a session token and resume_window_ms 60000",
        $"ok: JOINED {Room} lists the C# player",
        "ok: dropped the connection without BYE",
        $"ok: the C# player relayed {Missed} times while I was away",
        "ok: the new connection is welcomed as a fresh player first",
        "ok: RESUMED gives my user id back",
        $"ok: RESUMED says I am still in {Room}",
        $"ok: RESUMED says {Missed} pushes were missed ({Missed})",
        "ok: RESUMED carries a new session token",
        $"ok: received the {Missed} missed relays and the live one exactly once, in order, from the C# player",
        "ok: sent BYE",
        "ok: the server closed the connection after BYE",
        "ok: RESUME after BYE is refused with bad_session",
        "ok: the refused connection stays open as a fresh player (PING answered)",
        "ok: every check ran",
        "done: 0 failure(s)",
    ];

    [GodotFact]
    public async Task A_godot_player_that_drops_its_connection_resumes_its_session_and_gets_what_it_missed_once_in_order()
    {
        await using var server = await TestServer.StartAsync("game-server.sessions.resume-window = 60s");
        await using var other = await server.ConnectPlayerAsync("csharp");
        await other.JoinAsync(Room).Soon();

        // The script waits for this file before it reconnects: by then every relay below is kept
        // for it, so all of them are "missed" ones, not some live by chance.
        var goFile = Path.Combine(Path.GetTempPath(), $"ags-godot-resume-{Guid.NewGuid():N}");
        var godot = GodotScript.RunAsync("resume_client.gd", server.EndPoint.Port, new Dictionary<string, string>
        {
            ["AGS_ROOM"] = Room,
            ["AGS_MISSED"] = Missed.ToString(CultureInfo.InvariantCulture),
            ["AGS_GO_FILE"] = goFile,
        });
        try
        {
            var joined = await NextPresenceAsync(other, godot, "joined");
            var godotId = joined.Message.GetProperty("joined").GetProperty("user_id").GetInt64();

            var away = await NextPresenceAsync(other, godot, "away");
            Assert.Equal(godotId, away.Message.GetProperty("away").GetProperty("user_id").GetInt64());
            for (var n = 1; n <= Missed; n++)
            {
                await other.RelayAsync(Room, $$"""{"n":{{n}}}""");
            }

            // WHO is answered after the room handed out what it held (see ResumeTests): once it is
            // here, the relays are in the detached session's buffer.
            await other.WhoAsync(Room).Soon();
            await File.WriteAllTextAsync(goFile, "go");

            var back = await NextPresenceAsync(other, godot, "back");
            Assert.Equal(godotId, back.Message.GetProperty("back").GetProperty("user_id").GetInt64());
            await other.RelayAsync(Room, $$"""{"n":{{Missed + 1}}}""");

            // BYE ends the session at once: left, with no away before it.
            var left = await NextPresenceAsync(other, godot, "left");
            Assert.Equal(godotId, left.Message.GetProperty("left").GetProperty("user_id").GetInt64());
        }
        finally
        {
            var run = await godot;
            output.WriteLine(run.Log);
            File.Delete(goFile);
            run.AssertPassed(ExpectedLines);
        }
    }

    /// <summary>
    /// The other player's next push, which must be a PRESENCE of <paramref name="kind"/>; when the
    /// script ends first (it failed), its log explains more than a timeout would.
    /// </summary>
    private static async Task<ServerFrame> NextPresenceAsync(GameClient client, Task<GodotRun> godot, string kind)
    {
        var next = client.NextAsync();
        if (await Task.WhenAny(next, godot) != next)
        {
            var run = await godot;
            Assert.Fail($"Godot ended before the PRESENCE {kind}:\n{run.Log}");
        }

        var frame = await next;
        Assert.Equal("PRESENCE", frame.Cmd);
        Assert.True(frame.Message.TryGetProperty(kind, out _), $"expected PRESENCE {kind}, got {frame.RawMessage}");
        return frame;
    }
}
