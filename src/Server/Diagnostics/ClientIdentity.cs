using System.Net;

namespace ActorGameServer.Server.Diagnostics;

/// <summary>
/// Who a log line is about: "client 7 from 10.0.0.5:5000 (tcp)" in text, <c>user_id</c>,
/// <c>remote</c> and <c>transport</c> in JSON. A struct, so naming a player in a line that is
/// not logged costs nothing.
/// </summary>
public readonly struct ClientIdentity(long userId, EndPoint remote, string transport) : ILogFields
{
    public long UserId => userId;

    public override string ToString() => $"client {userId} from {remote} ({transport})";

    public void AddFieldsTo(ICollection<KeyValuePair<string, object?>> fields)
    {
        fields.Add(new("user_id", userId));
        fields.Add(new("remote", remote.ToString()));
        fields.Add(new("transport", transport));
    }
}
