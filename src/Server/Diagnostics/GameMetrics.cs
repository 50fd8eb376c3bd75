using System.Collections.Frozen;
using System.Diagnostics;
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

/// <summary>Every frame and byte this process's players sent and were sent, since it started.</summary>
public readonly record struct TrafficTotals(long FramesIn, long FramesOut, long BytesIn, long BytesOut);

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
/// Counts every frame touches (frames and bytes in and out, queued bytes) are kept in
/// <see cref="StripedCounter"/>s and read by observable instruments when scraped: an add per
/// frame on a cache line of the thread's own, instead of the exporter's one shared value.
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

    private static readonly Counter<long> Resumes = Meter.CreateCounter<long>(
        "game_server.sessions_resumed", "{session}", "Sessions a player took back with RESUME after its connection dropped.");

    private static readonly Counter<long> FramesReceived = Meter.CreateCounter<long>(
        "game_server.frames_received", "{frame}", "Frames read from players, by command (unknown for anything else, bad frames included).");

    private static readonly Counter<long> ErrorsSent = Meter.CreateCounter<long>(
        "game_server.errors_sent", "{frame}", "ERROR frames built for players, by code.");

    private static readonly Counter<long> RelayDeliveries = Meter.CreateCounter<long>(
        "game_server.relay_deliveries", "{frame}", "Relayed frames queued for a room member (one per member that receives it).");

    private static readonly Histogram<double> CommandDuration = Meter.CreateHistogram(
        "game_server.command_duration", "s", "From a request's frame decoded to its handling done: the reply queued, or the request handed to its room or the registry.",
        advice: new InstrumentAdvice<double>
        {
            // The default buckets are for milliseconds; a command takes microseconds unless the
            // server is in trouble.
            HistogramBucketBoundaries = [0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1],
        });

    private static readonly StripedCounter FramesIn = new();
    private static readonly StripedCounter FramesOut = new();
    private static readonly StripedCounter BytesIn = new();
    private static readonly StripedCounter BytesOut = new();
    private static readonly StripedCounter OutboundQueued = new();
    private static long _rooms;
    private static long _detachedSessions;
    private static long _roomMembers;

    private static readonly KeyValuePair<string, object?>[] TransportTags = Tags("transport", Transports);
    private static readonly KeyValuePair<string, object?>[] RefusalTags = Tags("reason", ["server_full", "too_many_connections", "not_ready"]);
    private static readonly KeyValuePair<string, object?>[] CloseReasonTags = Tags("reason", Enum.GetValues<CloseReason>().Select(r => r.ToWire()));
    private static readonly KeyValuePair<string, object?>[] ErrorCodeTags = Tags("code", Enum.GetValues<ErrorCode>().Select(c => c.ToWire()));

    private static readonly FrozenDictionary<string, KeyValuePair<string, object?>> CmdTags = new[]
    {
        Commands.Ping, Commands.Hello, Commands.Join, Commands.Leave, Commands.Relay, Commands.Direct, Commands.Rooms, Commands.Who,
    }.ToFrozenDictionary(cmd => cmd, cmd => new KeyValuePair<string, object?>("cmd", cmd), StringComparer.Ordinal);

    private static readonly KeyValuePair<string, object?> UnknownCmdTag = new("cmd", UnknownCmd);

    static GameMetrics()
    {
        Meter.CreateObservableGauge("game_server.connections", ObserveConnected, "{connection}", "Players connected now, by transport.");
        Meter.CreateObservableCounter("game_server.frames_sent", FramesOut.Sum, "{frame}", "Frames queued for players: replies, pushes and relayed frames.");
        // "{byte}", not "By": the exporter would append "_bytes" to a name that says bytes already.
        Meter.CreateObservableCounter("game_server.bytes_received", BytesIn.Sum, "{byte}", "Bytes of the frames read from players, the 4-byte length header included.");
        Meter.CreateObservableCounter("game_server.bytes_sent", BytesOut.Sum, "{byte}", "Bytes of the frames queued for players, the 4-byte length header included.");
        Meter.CreateObservableGauge("game_server.outbound_queued_bytes", OutboundQueued.Sum, "{byte}", "Payload bytes queued for players that their sockets have not taken yet.");
        Meter.CreateObservableGauge("game_server.rooms", () => Volatile.Read(ref _rooms), "{room}", "Rooms whose actor lives on this node (summed over a cluster's nodes: its rooms).");
        Meter.CreateObservableGauge("game_server.detached_sessions", () => Volatile.Read(ref _detachedSessions), "{session}", "Players whose connection dropped and whose session waits for a RESUME.");
        Meter.CreateObservableGauge("game_server.room_members", () => Volatile.Read(ref _roomMembers), "{member}", "Room memberships of this node's players.");
    }

    /// <summary>Frames and bytes in and out so far, for the admin console's rates.</summary>
    public static TrafficTotals Totals => new(FramesIn.Sum(), FramesOut.Sum(), BytesIn.Sum(), BytesOut.Sum());

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

    /// <summary>A player's connection over <paramref name="transport"/> dropped; its session waits for a RESUME (not a disconnect yet).</summary>
    public static void ConnectionDetached(string transport)
    {
        Interlocked.Decrement(ref Connected[TransportIndex(transport)]);
        Interlocked.Increment(ref _detachedSessions);
    }

    /// <summary>A detached session was resumed on a new connection (counted as accepted when it was admitted).</summary>
    public static void SessionResumed()
    {
        Interlocked.Decrement(ref _detachedSessions);
        Resumes.Add(1);
    }

    /// <summary>A detached session arrived from another node, where its player reconnected (its RESUME follows: <see cref="SessionResumed"/>).</summary>
    public static void SessionMovedIn() => Interlocked.Increment(ref _detachedSessions);

    /// <summary>A detached session left for another node, where its player reconnected: not a disconnect.</summary>
    public static void SessionMovedAway() => Interlocked.Decrement(ref _detachedSessions);

    /// <summary>A detached session ended without a RESUME: the player's disconnect, for <paramref name="reason"/>.</summary>
    public static void DetachedSessionEnded(CloseReason reason)
    {
        Interlocked.Decrement(ref _detachedSessions);
        Disconnects.Add(1, CloseReasonTags[(int)reason]);
    }

    public static void ConnectionRefused(RefusalReason reason) => Refused.Add(1, RefusalTags[(int)reason]);

    /// <summary>A frame of <paramref name="bytes"/> arrived: <paramref name="cmd"/> is its command, or null when it was not a valid request.</summary>
    public static void FrameReceived(string? cmd, int bytes)
    {
        FramesReceived.Add(1, CmdTag(cmd));
        FramesIn.Add(1);
        BytesIn.Add(bytes);
    }

    /// <summary>A frame of <paramref name="bytes"/> (length header included) was queued for a player.</summary>
    public static void FrameQueued(int bytes)
    {
        FramesOut.Add(1);
        BytesOut.Add(bytes);
    }

    /// <summary>A request whose frame was decoded at <paramref name="decodedAt"/> (Stopwatch ticks) has been handled.</summary>
    public static void CommandHandled(string cmd, long decodedAt) =>
        CommandDuration.Record(Stopwatch.GetElapsedTime(decodedAt).TotalSeconds, CmdTag(cmd));

    /// <summary>Payload bytes waiting for players' sockets grew (or, negative, shrank) by <paramref name="bytes"/>.</summary>
    public static void OutboundQueuedChanged(long bytes) => OutboundQueued.Add(bytes);

    /// <summary>A room actor started (+1) or stopped (-1) on this node.</summary>
    public static void RoomsChanged(int delta) => Interlocked.Add(ref _rooms, delta);

    /// <summary>This node's players hold <paramref name="delta"/> more room memberships (negative: fewer).</summary>
    public static void RoomMembersChanged(int delta) => Interlocked.Add(ref _roomMembers, delta);

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

    private static KeyValuePair<string, object?> CmdTag(string? cmd) =>
        cmd is not null && CmdTags.TryGetValue(cmd, out var tag) ? tag : UnknownCmdTag;

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
