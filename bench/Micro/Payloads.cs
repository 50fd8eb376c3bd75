using System.Text;
using ActorGameServer.Protocol;

namespace ActorGameServer.Micro;

/// <summary>The frames the benchmarks feed in: what a Godot client typically sends.</summary>
public static class Payloads
{
    /// <summary>The server's defaults (hocon/server.hocon): max-payload and max-json-depth.</summary>
    public const int MaxPayload = 5000;
    public const int MaxDepth = 32;

    /// <summary>A PING as the README's Godot client sends it: a millisecond timestamp as the message.</summary>
    public static readonly byte[] Ping = """{"cmd":"PING","message":1732480000123}"""u8.ToArray();

    /// <summary>A PING carrying a request id, which the PONG echoes.</summary>
    public static readonly byte[] PingWithId = """{"cmd":"PING","message":1732480000123,"id":42}"""u8.ToArray();

    /// <summary>A RELAY of about 1 KB: game state nested a few levels deep, kept verbatim.</summary>
    public static readonly byte[] Relay1K = BuildRelay(1024);

    public static byte[] Framed(byte[] payload) => FrameWriter.Frame(payload);

    private static byte[] BuildRelay(int targetBytes)
    {
        var entities = new StringBuilder();
        for (var i = 0; ; i++)
        {
            var entity = $$"""{"id":{{i}},"pos":{"x":{{i * 1.5:0.0}},"y":-{{i}}.25,"z":0},"vel":[0.5,-1,{{i % 3}}],"hp":{{100 - i}},"tags":["unit","team-{{i % 2}}"]}""";
            // 64 bytes of envelope around the entities array.
            if (64 + entities.Length + entity.Length + 1 > targetBytes)
            {
                break;
            }

            entities.Append(entities.Length == 0 ? "" : ",").Append(entity);
        }

        var json = """{"cmd":"RELAY","message":{"room":"lobby","data":{"tick":123456,"entities":[""" + entities + "]}}}";
        return Encoding.UTF8.GetBytes(json);
    }
}
