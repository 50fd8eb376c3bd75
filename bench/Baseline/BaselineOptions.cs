using System.Net;

namespace ActorGameServer.Baseline;

/// <summary>The command line: <c>--host</c>, <c>--port</c>, <c>--max-payload</c>, <c>--max-members</c>, with the bench defaults.</summary>
internal sealed record BaselineOptions
{
    public const string Usage = "usage: Baseline [--host 127.0.0.1] [--port 9401] [--max-payload 5000] [--max-members 64]";

    public IPAddress Host { get; init; } = IPAddress.Loopback;

    // 9401, next to the actor server's bench port 9400, so both can be started side by side.
    public int Port { get; init; } = 9401;

    // The actor server's default, so the two refuse the same frames.
    public int MaxPayload { get; init; } = 5000;

    // The actor server's rooms.max-members default: a JOIN beyond it is room_full on both.
    public int MaxMembers { get; init; } = 64;

    // The actor server's max-json-depth; deeper frames are bad_json on both.
    public int MaxJsonDepth { get; init; } = 32;

    public static BaselineOptions Parse(string[] args)
    {
        var options = new BaselineOptions();
        for (var i = 0; i < args.Length; i += 2)
        {
            var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value");
            options = args[i] switch
            {
                "--host" => options with { Host = value == "localhost" ? IPAddress.Loopback : IPAddress.Parse(value) },
                "--port" => options with { Port = int.Parse(value) },
                "--max-payload" => options with { MaxPayload = Positive(args[i], int.Parse(value)) },
                "--max-members" => options with { MaxMembers = Positive(args[i], int.Parse(value)) },
                _ => throw new ArgumentException($"unknown option {args[i]}"),
            };
        }

        return options;
    }

    private static int Positive(string name, int value) =>
        value > 0 ? value : throw new ArgumentException($"{name} must be positive");
}
