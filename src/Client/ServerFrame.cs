using System.Text.Json;
using ActorGameServer.Protocol;

namespace ActorGameServer.Client;

/// <summary>A frame from the server, with its message parsed for reading.</summary>
public sealed record ServerFrame(string Cmd, JsonElement Message, RawJson RawMessage, RawJson? Id)
{
    internal static ServerFrame From(Envelope envelope)
    {
        using var document = JsonDocument.Parse(envelope.Message.Utf8.ToArray());
        return new ServerFrame(envelope.Cmd, document.RootElement.Clone(), envelope.Message, envelope.Id);
    }
}
