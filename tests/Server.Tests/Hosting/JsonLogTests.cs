using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ActorGameServer.Server.Tests.Support;

namespace ActorGameServer.Server.Tests.Hosting;

/// <summary>
/// The server binary's stdout as a log shipper reads it with <c>GAME_SERVER_LOG_FORMAT=json</c>,
/// and as a person reads it by default: a player connects, sends a frame that is not JSON, and is
/// disconnected for it.
/// </summary>
public sealed partial class JsonLogTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ags-json-logs-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task In_json_every_stdout_line_is_an_object_and_a_protocol_error_is_told_in_queryable_fields()
    {
        using var server = ServerProcess.Start(_directory, Environment(("GAME_SERVER_LOG_FORMAT", "json")));
        var userId = await ConnectAndSendABadFrameAsync(server);
        await server.WaitForLogAsync(DisconnectedEvent());
        server.SendSigterm();
        Assert.Equal(0, await server.WaitForExitAsync());

        var lines = server.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.NotEmpty(lines);
        var events = new List<JsonObject>();
        foreach (var line in lines)
        {
            // JsonNode also refuses an object that names a field twice.
            var json = Assert.IsType<JsonObject>(JsonNode.Parse(line), exactMatch: false);
            var timestamp = DateTimeOffset.Parse((string)json["timestamp"]!, CultureInfo.InvariantCulture);
            Assert.Equal(TimeSpan.Zero, timestamp.Offset);
            Assert.Contains((string?)json["level"], new[] { "debug", "info", "warning", "error" });
            Assert.False(string.IsNullOrEmpty((string?)json["logger"]), line);
            Assert.NotNull((string?)json["message"]);
            events.Add(json);
        }

        var connected = Single(events, "client_connected");
        Assert.Equal(userId, (long)connected["user_id"]!);
        Assert.Equal("tcp", (string?)connected["transport"]);
        var remote = (string)connected["remote"]!;
        Assert.StartsWith("127.0.0.1:", remote);

        var badFrame = Single(events, "bad_frame");
        Assert.Equal(userId, (long)badFrame["user_id"]!);
        Assert.Equal(remote, (string?)badFrame["remote"]);
        Assert.Equal("bad_json", (string?)badFrame["error_code"]);
        Assert.False(string.IsNullOrEmpty((string?)badFrame["detail"]));

        var disconnected = Single(events, "client_disconnected");
        Assert.Equal(userId, (long)disconnected["user_id"]!);
        Assert.Equal("protocol_error", (string?)disconnected["reason"]);
        Assert.Equal(remote, (string?)disconnected["remote"]);
        Assert.Equal("tcp", (string?)disconnected["transport"]);
        Assert.Equal($"client {userId} disconnected: protocol error (0 online)", (string?)disconnected["message"]);
    }

    [Fact]
    public async Task By_default_the_lines_are_text_as_they_always_were()
    {
        using var server = ServerProcess.Start(_directory, Environment());
        var userId = await ConnectAndSendABadFrameAsync(server);
        await server.WaitForLogAsync(new Regex($@"client {userId} disconnected: protocol error \(0 online\)"));
        server.SendSigterm();
        Assert.Equal(0, await server.WaitForExitAsync());

        var log = server.StandardOutput;
        Assert.Matches(new Regex($@"(?m)^\[INFO\]\[[^\]]+\]\[Thread \d+\]\[[^\]]+\] client {userId} connected from 127\.0\.0\.1:\d+ over tcp \(1 online\)\r?$"), log);
        Assert.Matches(new Regex($@"(?m)\] client {userId} from 127\.0\.0\.1:\d+ \(tcp\) sent a bad frame: bad_json \(.+\); disconnecting\r?$"), log);
        Assert.Matches(new Regex($@"(?m)\] client {userId} disconnected: protocol error \(0 online\)\r?$"), log);
        Assert.DoesNotContain(log.Split('\n'), line => line.StartsWith('{'));
    }

    [Fact]
    public async Task A_kick_from_the_admin_api_is_logged_with_who_kicked_whom_and_why()
    {
        const string token = "json-logs-admin-token-0123456789";
        using var server = ServerProcess.Start(_directory, Environment(("GAME_SERVER_LOG_FORMAT", "json"), ("GAME_SERVER_ADMIN_TOKEN", token)));
        var endPoint = await server.WaitUntilListeningAsync();
        var http = new Uri($"http://{await server.WaitForLogAsync(HttpLine())}/");
        var (player, welcome) = await WireClient.ConnectWelcomedAsync(endPoint);
        var userId = (long)welcome["user_id"]!;
        await using (player)
        {
            using var client = new HttpClient { BaseAddress = http, Timeout = WireClient.DefaultTimeout };
            using var kick = new HttpRequestMessage(HttpMethod.Post, $"admin/api/players/{userId}/kick")
            {
                Content = new StringContent("""{"reason":"spamming \"lobby\""}""", Encoding.UTF8, "application/json"),
            };
            kick.Headers.Authorization = new("Bearer", token);
            using (var response = await client.SendAsync(kick))
            {
                response.EnsureSuccessStatusCode();
            }

            Assert.Equal("kicked", (string?)(await player.ReadFrameAsync())["message"]!["code"]);
            Assert.True(await player.IsClosedByServerAsync());
        }

        await server.WaitForLogAsync(DisconnectedEvent());
        server.SendSigterm();
        Assert.Equal(0, await server.WaitForExitAsync());

        var events = server.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => Assert.IsType<JsonObject>(JsonNode.Parse(line), exactMatch: false))
            .ToList();
        var kicked = Single(events, "player_kicked");
        Assert.Equal(userId, (long)kicked["user_id"]!);
        Assert.Equal("spamming \"lobby\"", (string?)kicked["kick_reason"]);
        Assert.StartsWith("127.0.0.1", (string?)kicked["admin"]);
        var adminKick = Single(events, "admin_kick");
        Assert.Equal(userId, (long)adminKick["user_id"]!);
        Assert.Equal("kicked", (string?)Single(events, "client_disconnected")["reason"]);
        Assert.DoesNotContain(token, server.StandardOutput); // Never the token in a log.
    }

    [Fact]
    public async Task An_unknown_format_stops_start_up_with_one_clear_line()
    {
        using var server = ServerProcess.Start(_directory, Environment(("GAME_SERVER_LOG_FORMAT", "xml")));

        Assert.Equal(1, await server.WaitForExitAsync());
        var error = Assert.Single(server.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("error: game-server.log-format: 'xml' is not a log format (use text, or json for one JSON object per line)", error.TrimEnd());
    }

    /// <summary>Returns the player's user id once the server has closed its connection.</summary>
    private static async Task<long> ConnectAndSendABadFrameAsync(ServerProcess server)
    {
        var endPoint = await server.WaitUntilListeningAsync();
        var (player, welcome) = await WireClient.ConnectWelcomedAsync(endPoint);
        await using (player)
        {
            await player.SendRawAsync(WireClient.Frame(Encoding.UTF8.GetBytes("""{"cmd":"PING" """)));
            var error = await player.ReadFrameAsync();
            Assert.Equal("bad_json", (string?)error["message"]!["code"]);
            Assert.True(await player.IsClosedByServerAsync());
        }

        return (long)welcome["user_id"]!;
    }

    private static JsonObject Single(List<JsonObject> events, string name) =>
        Assert.Single(events, e => (string?)e["event"] == name);

    private static Dictionary<string, string> Environment(params (string Name, string Value)[] more)
    {
        var environment = new Dictionary<string, string>
        {
            ["GAME_SERVER_HOST"] = "127.0.0.1",
            ["GAME_SERVER_PORT"] = "0",
            ["GAME_SERVER_HTTP_PORT"] = "0",
        };
        foreach (var (name, value) in more)
        {
            environment[name] = value;
        }

        return environment;
    }

    [GeneratedRegex(@"\(HTTP on (\S+)\)")]
    private static partial Regex HttpLine();

    [GeneratedRegex("\"event\":\"client_disconnected\"")]
    private static partial Regex DisconnectedEvent();
}
