namespace ActorGameServer.Protocol;

/// <summary>
/// A decoded client frame: <c>{"cmd": "...", "message": any, "id": any}</c>. A missing
/// <c>message</c> is JSON null; <c>Id</c> is null when the request had none.
/// </summary>
public sealed record Envelope(string Cmd, RawJson Message, RawJson? Id);
