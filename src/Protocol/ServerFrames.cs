namespace ActorGameServer.Protocol;

/// <summary>The frames the server sends, each built in one place so the wire format stays consistent.</summary>
public static class ServerFrames
{
    /// <summary>
    /// <c>{"cmd":"WELCOME","message":{"user_id":7,"max_payload":5000,"version":"0.1.0"}}</c>, and with
    /// session resume on, <c>"session":"...","resume_window_ms":20000</c> after those.
    /// </summary>
    public static EncodedFrame Welcome(long userId, int maxPayload, string version, string? session = null, long resumeWindowMs = 0) =>
        FrameWriter.Build(Commands.Welcome, (userId, maxPayload, version, session, resumeWindowMs), static (w, s) =>
        {
            w.WriteStartObject();
            w.WriteNumber("user_id"u8, s.userId);
            w.WriteNumber("max_payload"u8, s.maxPayload);
            w.WriteString("version"u8, s.version);
            if (s.session is not null)
            {
                w.WriteString("session"u8, s.session);
                w.WriteNumber("resume_window_ms"u8, s.resumeWindowMs);
            }

            w.WriteEndObject();
        });

    /// <summary><c>{"cmd":"PONG","message":&lt;the PING's message, byte for byte&gt;}</c></summary>
    public static EncodedFrame Pong(Envelope ping) => FrameWriter.Build(Commands.Pong, ping.Message, ping.Id);

    /// <summary><c>{"cmd":"ERROR","message":{"code":"bad_json","detail":"..."}}</c></summary>
    public static EncodedFrame Error(ProtocolError error, RawJson? id = null) =>
        FrameWriter.Build(Commands.Error, error, static (w, e) =>
        {
            w.WriteStartObject();
            w.WriteString("code"u8, e.Code.ToWire());
            w.WriteString("detail"u8, e.Detail);
            w.WriteEndObject();
        }, id);

    /// <summary><c>{"cmd":"SHUTDOWN","message":{"reason":"...","reconnect_after_ms":5000}}</c></summary>
    public static EncodedFrame Shutdown(string reason, int reconnectAfterMs) =>
        FrameWriter.Build(Commands.Shutdown, (reason, reconnectAfterMs), static (w, s) =>
        {
            w.WriteStartObject();
            w.WriteString("reason"u8, s.reason);
            w.WriteNumber("reconnect_after_ms"u8, s.reconnectAfterMs);
            w.WriteEndObject();
        });

    /// <summary><c>{"cmd":"NOTICE","message":{"message":"..."}}</c>: an administrator's announcement to every player.</summary>
    public static EncodedFrame Notice(string message) =>
        FrameWriter.Build(Commands.Notice, message, static (w, m) =>
        {
            w.WriteStartObject();
            w.WriteString("message"u8, m);
            w.WriteEndObject();
        });

    /// <summary><c>{"cmd":"HELLO_OK","message":{"user_id":7,"name":"Ada"}}</c>, with <c>"account"</c> when signed in.</summary>
    public static EncodedFrame HelloOk(PlayerInfo player, RawJson? id) =>
        FrameWriter.Build(Commands.HelloOk, player, WritePlayer, id);

    /// <summary><c>{"cmd":"JOINED","message":{"room":"lobby","members":[...]}}</c></summary>
    public static EncodedFrame Joined(string room, IEnumerable<PlayerInfo> members, RawJson? id) =>
        FrameWriter.Build(Commands.Joined, (room, members), static (w, s) => WriteRoomMembers(w, s.room, s.members), id);

    /// <summary><c>{"cmd":"WHO","message":{"room":"lobby","members":[...]}}</c></summary>
    public static EncodedFrame Who(string room, IEnumerable<PlayerInfo> members, RawJson? id) =>
        FrameWriter.Build(Commands.Who, (room, members), static (w, s) => WriteRoomMembers(w, s.room, s.members), id);

    /// <summary><c>{"cmd":"LEFT","message":{"room":"lobby"}}</c></summary>
    public static EncodedFrame Left(string room, RawJson? id) =>
        FrameWriter.Build(Commands.Left, room, static (w, r) =>
        {
            w.WriteStartObject();
            w.WriteString("room"u8, r);
            w.WriteEndObject();
        }, id);

    /// <summary><c>{"cmd":"PRESENCE","message":{"room":"lobby","joined":{"user_id":7,"name":"Ada"}}}</c></summary>
    public static EncodedFrame PresenceJoined(string room, PlayerInfo player) =>
        FrameWriter.Build(Commands.Presence, (room, player), static (w, s) =>
        {
            w.WriteStartObject();
            w.WriteString("room"u8, s.room);
            w.WritePropertyName("joined"u8);
            WritePlayer(w, s.player);
            w.WriteEndObject();
        });

    /// <summary><c>{"cmd":"PRESENCE","message":{"room":"lobby","left":{"user_id":7}}}</c></summary>
    public static EncodedFrame PresenceLeft(string room, long userId) => PresenceAbout(room, "left", userId);

    /// <summary><c>{"cmd":"PRESENCE","message":{"room":"lobby","away":{"user_id":7}}}</c>: its connection dropped; it may come back.</summary>
    public static EncodedFrame PresenceAway(string room, long userId) => PresenceAbout(room, "away", userId);

    /// <summary><c>{"cmd":"PRESENCE","message":{"room":"lobby","back":{"user_id":7}}}</c>: it resumed its session.</summary>
    public static EncodedFrame PresenceBack(string room, long userId) => PresenceAbout(room, "back", userId);

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

    /// <summary><c>{"cmd":"RELAY","message":{"room":"lobby","from":7,"data":&lt;verbatim&gt;}}</c></summary>
    public static EncodedFrame Relay(string room, long from, RawJson data) =>
        FrameWriter.Build(Commands.Relay, (room, from, data), static (w, s) =>
        {
            w.WriteStartObject();
            w.WriteString("room"u8, s.room);
            w.WriteNumber("from"u8, s.from);
            w.WritePropertyName("data"u8);
            w.WriteRawValue(s.data.Utf8, skipInputValidation: true);
            w.WriteEndObject();
        });

    /// <summary><c>{"cmd":"DIRECT","message":{"from":7,"data":&lt;verbatim&gt;}}</c></summary>
    public static EncodedFrame Direct(long from, RawJson data) =>
        FrameWriter.Build(Commands.Direct, (from, data), static (w, s) =>
        {
            w.WriteStartObject();
            w.WriteNumber("from"u8, s.from);
            w.WritePropertyName("data"u8);
            w.WriteRawValue(s.data.Utf8, skipInputValidation: true);
            w.WriteEndObject();
        });

    /// <summary><c>{"cmd":"ROOMS","message":{"rooms":[{"room":"lobby","members":2}]}}</c></summary>
    public static EncodedFrame Rooms(IEnumerable<(string Room, int Members)> rooms, RawJson? id) =>
        FrameWriter.Build(Commands.Rooms, rooms, static (w, list) =>
        {
            w.WriteStartObject();
            w.WriteStartArray("rooms"u8);
            foreach (var (room, members) in list)
            {
                w.WriteStartObject();
                w.WriteString("room"u8, room);
                w.WriteNumber("members"u8, members);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }, id);

    /// <summary>PRESENCE with one user id under <paramref name="what"/> (left, away, back).</summary>
    private static EncodedFrame PresenceAbout(string room, string what, long userId) =>
        FrameWriter.Build(Commands.Presence, (room, what, userId), static (w, s) =>
        {
            w.WriteStartObject();
            w.WriteString("room"u8, s.room);
            w.WriteStartObject(s.what);
            w.WriteNumber("user_id"u8, s.userId);
            w.WriteEndObject();
            w.WriteEndObject();
        });

    private static void WritePlayer(System.Text.Json.Utf8JsonWriter w, PlayerInfo player)
    {
        w.WriteStartObject();
        w.WriteNumber("user_id"u8, player.UserId);
        w.WriteString("name"u8, player.Name);
        if (player.Account is { } account)
        {
            w.WriteString("account"u8, account); // Only signed-in players have one; others' JSON is unchanged.
        }

        w.WriteEndObject();
    }

    private static void WriteRoomMembers(System.Text.Json.Utf8JsonWriter w, string room, IEnumerable<PlayerInfo> members)
    {
        w.WriteStartObject();
        w.WriteString("room"u8, room);
        w.WriteStartArray("members"u8);
        foreach (var member in members)
        {
            WritePlayer(w, member);
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }
}
