using Xunit.Abstractions;

namespace ActorGameServer.Server.Tests.Godot;

/// <summary>
/// The Godot addon's protocol.gd, tcp_transport.gd and backoff.gd in a real Godot 3 engine without
/// a server: the cases a live server rarely produces, such as a frame that arrives one byte at a
/// time, and the message-based path that TCP and WebSocket share, over a fake transport.
/// </summary>
public sealed class GodotProtocolUnitTests(ITestOutputHelper output)
{
    /// <summary>One line per check in protocol_unit.gd (see <see cref="GodotRun.AssertPassed"/>).</summary>
    private static readonly string[] ExpectedLines =
    [
        "ok: frames delivered a byte at a time are read whole, each when its last byte arrives",
        "ok: no read asks for bytes that have not arrived (0 did)",
        "ok: frames that arrive together are read one per call",
        "ok: WELCOME becomes welcome with an int user_id and sets max_payload",
        "ok: RELAY becomes relayed with an int from and the data as sent",
        "ok: JOINED becomes joined with the request id and int user ids",
        "ok: PRESENCE joined becomes presence_joined",
        "ok: PRESENCE left becomes presence_left",
        "ok: PRESENCE away becomes presence_away",
        "ok: PRESENCE back becomes presence_back",
        "ok: WELCOME carries the session token and resume_window_ms",
        "ok: WELCOME without resume gives an empty session and 0",
        "ok: RESUMED becomes resumed with int user_id and missed, the rooms and the new token",
        "ok: ERROR bad_session becomes error with the RESUME's id",
        "ok: DIRECT becomes direct",
        "ok: ROOMS becomes rooms",
        "ok: ERROR becomes error with code and request id",
        "ok: SHUTDOWN becomes shutdown with reconnect_after_ms",
        "ok: NOTICE becomes notice with its message",
        "ok: an unknown command becomes unknown, not an error",
        "ok: a frame that is not JSON becomes unknown, not a script error",
        "ok: utf8_size counts UTF-8 bytes, not characters (10)",
        "ok: a request without a connection is refused with not_connected",
        "ok: ids are encoded as JSON integers",
        "ok: nothing happens until the transport opens",
        "ok: an open message transport gives connected, then one event per message",
        "ok: a request goes out as one JSON text without a length prefix",
        "ok: request_text builds the envelope send_command sends",
        "ok: resume() sends RESUME with the token",
        "ok: bye() sends BYE with an empty message",
        "ok: a message that arrived with the close comes before disconnected",
        "ok: a transport's own failure is the disconnect reason",
        "ok: a transport that closes before opening could not connect",
        "ok: delays double from min_ms up to max_ms, each with at most 50% jitter off",
        "ok: reset() starts again from min_ms",
        "ok: SHUTDOWN's reconnect_after_ms is waited for once, plus a little jitter, then backoff goes on",
        "ok: every check ran",
        "done: 0 failure(s)",
    ];

    [GodotFact]
    public async Task The_addon_core_reads_trickled_frames_whole_decodes_every_push_and_backs_off()
    {
        // No server: the port in the script's environment is never used.
        var run = await GodotScript.RunAsync("protocol_unit.gd", port: 0);
        output.WriteLine(run.Log);

        run.AssertPassed(ExpectedLines);
    }
}
