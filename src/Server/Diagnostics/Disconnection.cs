using System.Net;
using ActorGameServer.Server.Actors;
using ActorGameServer.Server.Sessions;

namespace ActorGameServer.Server.Diagnostics;

/// <summary>
/// Why a client's connection ended, as the registry's "client 7 disconnected: ..." line says it:
/// in text the reason in words with its detail; in JSON <c>reason</c> as the same snake_case
/// value as the <c>reason</c> label of <c>game_server_disconnects_total</c>, <c>detail</c>, and
/// the <c>remote</c> and <c>transport</c> the client connected from (not in the text, which has
/// always left them to the "connected" line).
/// </summary>
public readonly struct Disconnection(ClientActor.Disconnected? disconnected, EndPoint remote, string transport) : ILogFields
{
    public override string ToString() => disconnected switch
    {
        null => "stopped unexpectedly",
        { Detail: "" } => disconnected.Reason.Describe(),
        _ => $"{disconnected.Reason.Describe()} ({disconnected.Detail})",
    };

    public void AddFieldsTo(ICollection<KeyValuePair<string, object?>> fields)
    {
        // An actor that stopped without saying why is counted as a server error in the metrics too.
        fields.Add(new("reason", (disconnected?.Reason ?? CloseReason.ServerError).ToWire()));
        var detail = disconnected is null ? "stopped unexpectedly" : disconnected.Detail;
        if (detail.Length > 0)
        {
            fields.Add(new("detail", detail));
        }

        fields.Add(new("remote", remote.ToString()));
        fields.Add(new("transport", transport));
    }
}
