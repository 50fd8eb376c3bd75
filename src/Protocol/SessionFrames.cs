namespace ActorGameServer.Protocol;

/// <summary>
/// The frames of session resume (WELCOME with a session, RESUMED, PRESENCE away and back), kept
/// apart from <see cref="ServerFrames"/> so the rest of the protocol reads as before.
/// </summary>
public static class SessionFrames
{
    /// <summary><c>{"cmd":"WELCOME","message":{"user_id":7,"max_payload":5000,"version":"0.1.0","session":"...","resume_window_ms":20000}}</c></summary>
    public static EncodedFrame Welcome(long userId, int maxPayload, string version, string session, long resumeWindowMs) =>
        FrameWriter.Build(Commands.Welcome, (userId, maxPayload, version, session, resumeWindowMs), static (w, s) =>
        {
            w.WriteStartObject();
            w.WriteNumber("user_id"u8, s.userId);
            w.WriteNumber("max_payload"u8, s.maxPayload);
            w.WriteString("version"u8, s.version);
            w.WriteString("session"u8, s.session);
            w.WriteNumber("resume_window_ms"u8, s.resumeWindowMs);
            w.WriteEndObject();
        });

    /// <summary><c>{"cmd":"RESUMED","message":{"user_id":7,"name":"Ada","rooms":["lobby"],"missed":3,"session":"..."}}</c></summary>
    public static EncodedFrame Resumed(PlayerInfo player, IEnumerable<string> rooms, int missed, string session, RawJson? id) =>
        FrameWriter.Build(Commands.Resumed, (player, rooms, missed, session), static (w, s) =>
        {
            w.WriteStartObject();
            w.WriteNumber("user_id"u8, s.player.UserId);
            w.WriteString("name"u8, s.player.Name);
            w.WriteStartArray("rooms"u8);
            foreach (var room in s.rooms)
            {
                w.WriteStringValue(room);
            }

            w.WriteEndArray();
            w.WriteNumber("missed"u8, s.missed);
            w.WriteString("session"u8, s.session);
            w.WriteEndObject();
        }, id);

    /// <summary><c>{"cmd":"PRESENCE","message":{"room":"lobby","away":{"user_id":7}}}</c>: its connection dropped; it may come back.</summary>
    public static EncodedFrame PresenceAway(string room, long userId) => Presence(room, userId, away: true);

    /// <summary><c>{"cmd":"PRESENCE","message":{"room":"lobby","back":{"user_id":7}}}</c>: it resumed its session.</summary>
    public static EncodedFrame PresenceBack(string room, long userId) => Presence(room, userId, away: false);

    private static EncodedFrame Presence(string room, long userId, bool away) =>
        FrameWriter.Build(Commands.Presence, (room, userId, away), static (w, s) =>
        {
            w.WriteStartObject();
            w.WriteString("room"u8, s.room);
            w.WriteStartObject(s.away ? "away"u8 : "back"u8);
            w.WriteNumber("user_id"u8, s.userId);
            w.WriteEndObject();
            w.WriteEndObject();
        });
}
