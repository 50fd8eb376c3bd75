namespace ActorGameServer.Protocol;

/// <summary>The frames the server sends, each built in one place so the wire format stays consistent.</summary>
public static class ServerFrames
{
    /// <summary><c>{"cmd":"WELCOME","message":{"user_id":7,"max_payload":5000,"version":"0.1.0"}}</c></summary>
    public static byte[] Welcome(long userId, int maxPayload, string version) =>
        FrameWriter.Build(Commands.Welcome, (userId, maxPayload, version), static (w, s) =>
        {
            w.WriteStartObject();
            w.WriteNumber("user_id"u8, s.userId);
            w.WriteNumber("max_payload"u8, s.maxPayload);
            w.WriteString("version"u8, s.version);
            w.WriteEndObject();
        });

    /// <summary><c>{"cmd":"PONG","message":&lt;the PING's message, byte for byte&gt;}</c></summary>
    public static byte[] Pong(Envelope ping) => FrameWriter.Build(Commands.Pong, ping.Message, ping.Id);

    /// <summary><c>{"cmd":"ERROR","message":{"code":"bad_json","detail":"..."}}</c></summary>
    public static byte[] Error(ProtocolError error, RawJson? id = null) =>
        FrameWriter.Build(Commands.Error, error, static (w, e) =>
        {
            w.WriteStartObject();
            w.WriteString("code"u8, e.Code.ToWire());
            w.WriteString("detail"u8, e.Detail);
            w.WriteEndObject();
        }, id);

    /// <summary><c>{"cmd":"SHUTDOWN","message":{"reason":"...","reconnect_after_ms":5000}}</c></summary>
    public static byte[] Shutdown(string reason, int reconnectAfterMs) =>
        FrameWriter.Build(Commands.Shutdown, (reason, reconnectAfterMs), static (w, s) =>
        {
            w.WriteStartObject();
            w.WriteString("reason"u8, s.reason);
            w.WriteNumber("reconnect_after_ms"u8, s.reconnectAfterMs);
            w.WriteEndObject();
        });
}
