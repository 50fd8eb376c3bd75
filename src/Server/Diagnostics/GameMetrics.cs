using System.Collections.Frozen;
using System.Diagnostics.Metrics;
using ActorGameServer.Protocol;
using ActorGameServer.Server.Sessions;

namespace ActorGameServer.Server.Diagnostics;

/// <summary>Why a connection was turned away before it became a player (the <c>reason</c> label).</summary>
public enum RefusalReason
{
    /// <summary>The server holds <c>max-connections</c> (or has handed out all its user ids).</summary>
    ServerFull,

    /// <summary>The address holds <c>max-connections-per-ip</c>.</summary>
    TooManyConnections,

    /// <summary>This node is not Up in its cluster yet (a WebSocket upgrade answered 503).</summary>
    NotReady,
}

/// <summary>
/// The server's own instruments, on one <see cref="Meter"/> named <see cref="MeterName"/>, which
/// the HTTP listener exports at <c>GET /metrics</c> (OpenTelemetry's Prometheus exporter). The
/// exporter turns dots into underscores, appends <c>_total</c> to counters, and appends no unit
/// for a curly-brace unit such as <c>{connection}</c>, so <c>game_server.frames_received</c>
/// reads <c>game_server_frames_received_total</c> there.
/// <para>
/// Labels have a fixed, small set of values (a command, an error code, a reason, a transport);
/// never a user id, a room or an address. Each label pair is built once, here, so recording is a
/// <see cref="Counter{T}.Add(T, KeyValuePair{string, object?})"/> with no lock and no allocation.
/// The meter is process-wide: every server in one process (tests) counts into the same instruments.
/// </para>
/// </summary>
public static class GameMetrics
{
    public const string MeterName = "ActorGameServer";

    /// <summary>The <c>cmd</c> label of a frame that is not a known request (or not a request at all).</summary>
    public const string UnknownCmd = "unknown";

    private static readonly Meter Meter = new(MeterName, ServerVersion.Current);

    private static readonly string[] Transports = ["tcp", "websocket"];
    private static readonly long[] Connected = new long[Transports.Length];

    private static readonly Counter<long> Accepted = Meter.CreateCounter<long>(
        "game_server.connections_accepted", "{connection}", "Connections admitted as players, by transport.");

    private static readonly Counter<long> Refused = Meter.CreateCounter<long>(
        "game_server.connections_refused", "{connection}", "Connections turned away before they became players, by reason.");

    private static readonly Counter<long> Disconnects = Meter.CreateCounter<long>(
        "game_server.disconnects", "{connection}", "Players' connections that ended, by close reason.");

    private static readonly Counter<long> FramesReceived = Meter.CreateCounter<long>(
        "game_server.frames_received", "{frame}", "Frames read from players, by command (unknown for anything else, bad frames included).");

    private static readonly Counter<long> ErrorsSent = Meter.CreateCounter<long>(
        "game_server.errors_sent", "{frame}", "ERROR frames built for players, by code.");

    private static readonly Counter<long> RelayDeliveries = Meter.CreateCounter<long>(
        "game_server.relay_deliveries", "{frame}", "Relayed frames queued for a room member (one per member that receives it).");

    private static readonly KeyValuePair<string, object?>[] TransportTags = Tags("transport", Transports);
    private static readonly KeyValuePair<string, object?>[] RefusalTags = Tags("reason", ["server_full", "too_many_connections", "not_ready"]);
    private static readonly KeyValuePair<string, object?>[] CloseReasonTags = Tags("reason", Enum.GetValues<CloseReason>().Select(r => r.ToWire()));
    private static readonly KeyValuePair<string, object?>[] ErrorCodeTags = Tags("code", Enum.GetValues<ErrorCode>().Select(c => c.ToWire()));

    private static readonly FrozenDictionary<string, KeyValuePair<string, object?>> CmdTags = new[]
    {
        Commands.Ping, Commands.Hello, Commands.Join, Commands.Leave, Commands.Relay, Commands.Direct, Commands.Rooms, Commands.Who,
    }.ToFrozenDictionary(cmd => cmd, cmd => new KeyValuePair<string, object?>("cmd", cmd), StringComparer.Ordinal);

    private static readonly KeyValuePair<string, object?> UnknownCmdTag = new("cmd", UnknownCmd);

    static GameMetrics() =>
        Meter.CreateObservableGauge("game_server.connections", ObserveConnected, "{connection}", "Players connected now, by transport.");

    /// <summary>The registry admitted a connection over <paramref name="transport"/> ("tcp" or "websocket").</summary>
    public static void ConnectionAccepted(string transport)
    {
        var index = TransportIndex(transport);
        Interlocked.Increment(ref Connected[index]);
        Accepted.Add(1, TransportTags[index]);
    }

    /// <summary>An admitted connection over <paramref name="transport"/> ended for <paramref name="reason"/>.</summary>
    public static void ConnectionEnded(string transport, CloseReason reason)
    {
        Interlocked.Decrement(ref Connected[TransportIndex(transport)]);
        Disconnects.Add(1, CloseReasonTags[(int)reason]);
    }

    public static void ConnectionRefused(RefusalReason reason) => Refused.Add(1, RefusalTags[(int)reason]);

    /// <summary>A frame arrived: <paramref name="cmd"/> is its command, or null when it was not a valid request.</summary>
    public static void FrameReceived(string? cmd) =>
        FramesReceived.Add(1, cmd is not null && CmdTags.TryGetValue(cmd, out var tag) ? tag : UnknownCmdTag);

    /// <summary>An ERROR frame for <paramref name="error"/>, counted by its code.</summary>
    public static EncodedFrame ErrorFrame(ProtocolError error, RawJson? id = null)
    {
        ErrorsSent.Add(1, ErrorCodeTags[(int)error.Code]);
        return ServerFrames.Error(error, id);
    }

    /// <summary><paramref name="frames"/> relayed frames were queued for one member.</summary>
    public static void RelayDelivered(int frames)
    {
        if (frames > 0)
        {
            RelayDeliveries.Add(frames);
        }
    }

    private static int TransportIndex(string transport) => transport == "tcp" ? 0 : 1;

    private static IEnumerable<Measurement<long>> ObserveConnected()
    {
        for (var i = 0; i < Transports.Length; i++)
        {
            yield return new Measurement<long>(Volatile.Read(ref Connected[i]), TransportTags[i]);
        }
    }

    private static KeyValuePair<string, object?>[] Tags(string key, IEnumerable<string> values) =>
        values.Select(value => new KeyValuePair<string, object?>(key, value)).ToArray();
}
