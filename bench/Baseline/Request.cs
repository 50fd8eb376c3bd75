using Newtonsoft.Json.Linq;

namespace ActorGameServer.Baseline;

/// <summary>One client frame: <c>{"cmd": ..., "message": ..., "id": ...}</c>. A missing message is JSON null.</summary>
internal sealed record Request(string Cmd, JToken Message, JToken? Id);

/// <summary>Why a frame was refused: the wire error code and a human-readable detail.</summary>
internal sealed record RequestError(string Code, string Detail);
