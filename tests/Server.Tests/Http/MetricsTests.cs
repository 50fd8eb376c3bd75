using System.Net;
using System.Net.Sockets;
using System.Text;
using ActorGameServer.Server.Tests.Support;

namespace ActorGameServer.Server.Tests.Http;

/// <summary>
/// GET /metrics, as Prometheus scrapes it. The instruments are process-wide (one Meter), and other
/// tests' servers run in the same process, so each check is on how far a counter moved during a
/// scripted session, at least what that session alone accounts for.
/// </summary>
public sealed class MetricsTests : IAsyncLifetime
{
    private TestServer _server = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync();
        _http = new HttpClient { BaseAddress = _server.HttpUri };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task A_session_of_players_moves_the_counters_by_what_it_did()
    {
        var before = await PrometheusText.ScrapeAsync(_http);

        await using (var ada = await _server.ConnectPlayerAsync("Ada"))
        await using (var bob = await _server.ConnectPlayerAsync("Bob"))
        {
            await ada.PingAsync().Soon();
            await ada.JoinAsync("metrics-room").Soon();
            await bob.JoinAsync("metrics-room").Soon();
            await ada.RequestAsync("NOPE", "{}").ExpectErrorAsync("unknown_cmd");
            await ada.RelayAsync("metrics-room", "{\"x\":1}").Soon();
            await bob.NextUntilAsync("RELAY");

            var during = await PrometheusText.ScrapeAsync(_http);
            Assert.True(during.Value("game_server_connections", ("transport", "tcp")) >= 2);
            Assert.True(during.Value("game_server_rooms") >= 1, "the room lives on this (only) node");
            Assert.True(during.Value("game_server_room_members") >= 2, "both players are in the room");

            // A frame that is not JSON: ERROR bad_json, then the server closes the connection.
            var (bad, _) = await WireClient.ConnectWelcomedAsync(_server.EndPoint);
            await using (bad)
            {
                await bad.SendJsonAsync("{not json");
                Assert.Equal("bad_json", (string?)(await bad.ReadFrameAsync())["message"]?["code"]);
                Assert.True(await bad.IsClosedByServerAsync());
            }
        }

        await _server.WaitForOnlineCountAsync(0);
        var after = await PrometheusText.ScrapeAsync(_http);

        AssertMovedBy(before, after, 3, "game_server_connections_accepted_total", ("transport", "tcp"));
        AssertMovedBy(before, after, 2, "game_server_frames_received_total", ("cmd", "HELLO"));
        AssertMovedBy(before, after, 1, "game_server_frames_received_total", ("cmd", "PING"));
        AssertMovedBy(before, after, 2, "game_server_frames_received_total", ("cmd", "JOIN"));
        AssertMovedBy(before, after, 1, "game_server_frames_received_total", ("cmd", "RELAY"));
        AssertMovedBy(before, after, 2, "game_server_frames_received_total", ("cmd", "unknown")); // NOPE and the bad frame.
        AssertMovedBy(before, after, 1, "game_server_errors_sent_total", ("code", "unknown_cmd"));
        AssertMovedBy(before, after, 1, "game_server_errors_sent_total", ("code", "bad_json"));
        AssertMovedBy(before, after, 1, "game_server_relay_deliveries_total");
        AssertMovedBy(before, after, 1, "game_server_disconnects_total", ("reason", "protocol_error"));
        AssertMovedBy(before, after, 2, "game_server_disconnects_total", ("reason", "client_closed"));

        // Sent: 3 WELCOMEs, 2 HELLO replies, PONG, 2 JOINEDs, PRESENCE joined to Ada, ERROR
        // unknown_cmd, ERROR bad_json, the RELAY to Bob. Each at least 5 bytes with its header.
        AssertMovedBy(before, after, 12, "game_server_frames_sent_total");
        AssertMovedBy(before, after, 12 * 5, "game_server_bytes_sent_total");
        // Received: 2 HELLOs, PING, 2 JOINs, NOPE, RELAY (the bad frame counts no bytes: it never decoded).
        AssertMovedBy(before, after, 7 * 5, "game_server_bytes_received_total");
        AssertMovedBy(before, after, 1, "game_server_command_duration_seconds_count", ("cmd", "PING"));
        AssertMovedBy(before, after, 2, "game_server_command_duration_seconds_count", ("cmd", "JOIN"));
        AssertMovedBy(before, after, 1, "game_server_command_duration_seconds_count", ("cmd", "unknown"));
        AssertMovedBy(before, after, 1, "game_server_command_duration_seconds_bucket", ("cmd", "PING"), ("le", "+Inf"));
        Assert.True(after.Value("game_server_command_duration_seconds_sum", ("cmd", "PING")) > 0);
    }

    [Fact]
    public async Task Frames_waiting_for_a_player_who_does_not_read_show_as_outbound_queued_bytes()
    {
        // Room for more unread PONGs than the flood below can cause (at most 4,000 of 4 KB): the
        // server may read a burst of PINGs late, on a busy machine, and queue their PONGs at
        // once. No rate limit to stop the flood first.
        await using var server = await TestServer.StartAsync("""
            game-server {
              max-outbound-bytes = 64m
              rate-limit { messages-per-second = 100000, burst = 100000, bytes-per-second = 100m, byte-burst = 100m }
            }
            """);
        using var http = new HttpClient { BaseAddress = server.HttpUri };
        using var reader = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        await reader.ConnectAsync(new IPEndPoint(IPAddress.Loopback, server.EndPoint.Port));
        await server.WaitForOnlineCountAsync(1);

        // PONGs of 4 KB until the server holds some: first the kernel's buffers fill (the
        // server's send buffer grows to 4 MB on Linux), then the server's queue.
        var ping = WireClient.Frame(Encoding.UTF8.GetBytes($$"""{"cmd":"PING","message":"{{new string('x', 4000)}}"}"""));
        double queued = 0;
        using var deadline = new CancellationTokenSource(WireClient.DefaultTimeout);
        for (var sent = 0; queued < 64 * 1024 && sent < 4000 && !deadline.IsCancellationRequested; sent++)
        {
            await reader.SendAsync(ping, deadline.Token);
            if (sent % 100 == 99)
            {
                queued = (await PrometheusText.ScrapeAsync(http)).Value("game_server_outbound_queued_bytes");
            }
        }

        Assert.True(queued >= 64 * 1024, $"game_server_outbound_queued_bytes shows {queued} bytes waiting for a player who reads nothing");
        Assert.Equal(1, await server.OnlineCountAsync()); // Still under max-outbound-bytes: waiting, not dropped.
    }

    [Fact]
    public async Task Refused_connections_are_counted_by_reason()
    {
        await using var server = await TestServer.StartAsync("game-server.max-connections-per-ip = 1");
        using var http = new HttpClient { BaseAddress = server.HttpUri };
        var before = await PrometheusText.ScrapeAsync(http);

        var (first, _) = await WireClient.ConnectWelcomedAsync(server.EndPoint);
        await using (first)
        {
            await using var second = await WireClient.ConnectAsync(server.EndPoint);
            Assert.Equal("too_many_connections", (string?)(await second.ReadFrameAsync())["message"]?["code"]);
        }

        var after = await PrometheusText.ScrapeAsync(http);
        AssertMovedBy(before, after, 1, "game_server_connections_refused_total", ("reason", "too_many_connections"));
        AssertMovedBy(before, after, 1, "game_server_errors_sent_total", ("code", "too_many_connections"));
    }

    [Fact]
    public async Task The_runtime_metrics_are_exported_and_no_label_names_a_player_a_room_or_an_address()
    {
        await using (var player = await _server.ConnectPlayerAsync("Cy"))
        {
            await player.JoinAsync("secret-room").Soon();
        }

        var scrape = await PrometheusText.ScrapeAsync(_http);

        Assert.Contains(scrape.Names, name => name.StartsWith("dotnet_", StringComparison.Ordinal)); // The "System.Runtime" meter.
        string[] allowed = ["transport", "reason", "cmd", "code", "le"]; // le: a histogram's bucket bound.
        var ours = scrape.Samples.Where(s => s.Name.StartsWith("game_server_", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(ours);
        Assert.All(ours, sample => Assert.All(
            sample.Labels.Keys.Where(key => !key.StartsWith("otel_", StringComparison.Ordinal)),
            key => Assert.Contains(key, allowed)));
        Assert.DoesNotContain(ours, sample => sample.Labels.Values.Any(v => v.Contains("secret-room") || v.Contains("127.0.0.1")));
    }

    private static void AssertMovedBy(PrometheusText before, PrometheusText after, double atLeast, string name, params (string Key, string Value)[] labels)
    {
        var moved = after.Value(name, labels) - before.Value(name, labels);
        Assert.True(moved >= atLeast, $"{name}{{{string.Join(",", labels.Select(l => $"{l.Key}=\"{l.Value}\""))}}} moved by {moved}, expected at least {atLeast}");
    }
}
