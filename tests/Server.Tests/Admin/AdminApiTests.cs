using System.Globalization;
using System.Net;
using ActorGameServer.Server.Tests.Support;
using Newtonsoft.Json.Linq;

namespace ActorGameServer.Server.Tests.Admin;

/// <summary>
/// The admin API on one server, with real players on TCP and WebSocket: who may call it, what it
/// reports about them, and kick and broadcast as the players themselves see them.
/// </summary>
public sealed class AdminApiTests
{
    [Theory]
    [InlineData("/admin/api/stats")]
    [InlineData("/admin/api/players")]
    [InlineData("/admin/api/rooms")]
    [InlineData("/admin")]
    [InlineData("/admin/")]
    public async Task Without_a_token_configured_nothing_under_admin_exists(string path)
    {
        await using var server = await TestServer.StartAsync();
        using var admin = new AdminHttp(server); // Sends a token all the same.

        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync(path)).Status);
        // Without a body: no route of a server without admin takes one, and Kestrel drops the
        // connection of a request whose body is over the limit (0) instead of reading it.
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsync(path, null)).Status);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer wrong-token-0123456789abcdef")]
    [InlineData("Bearer " + AdminHttp.Token + "x")]
    [InlineData("Bearer")]
    [InlineData("Basic " + AdminHttp.Token)]
    [InlineData(AdminHttp.Token)]
    public async Task Every_api_route_refuses_a_missing_or_wrong_token_with_401(string? authorization)
    {
        await using var server = await TestServer.StartAsync(AdminHttp.Hocon);
        using var http = new HttpClient { BaseAddress = server.HttpUri };
        var (player, welcome) = await WireClient.ConnectWelcomedAsync(server.EndPoint);
        await using var _ = player;
        var userId = (long)welcome["user_id"]!;

        foreach (var (method, path) in new[]
        {
            (HttpMethod.Get, "/admin/api/stats"), (HttpMethod.Get, "/admin/api/players"), (HttpMethod.Get, "/admin/api/rooms"),
            (HttpMethod.Post, $"/admin/api/players/{userId}/kick"), (HttpMethod.Post, "/admin/api/broadcast"),
            (HttpMethod.Get, "/admin/api/no-such-route"),
        })
        {
            using var request = new HttpRequestMessage(method, path);
            if (authorization is not null)
            {
                request.Headers.TryAddWithoutValidation("Authorization", authorization);
            }

            if (method == HttpMethod.Post)
            {
                request.Content = new StringContent("""{"message":"you should not see this","reason":"nor this"}""");
            }

            using var response = await http.SendAsync(request);

            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
            Assert.NotNull(Json.Parse(await response.Content.ReadAsStringAsync())["error"]);
        }

        // Nothing was done: the player is still connected and was told nothing.
        await player.SendJsonAsync("""{"cmd":"PING","message":"still here"}""");
        Assert.Equal("PONG", (string?)(await player.ReadFrameAsync())["cmd"]);
        Assert.Equal(1, await server.OnlineCountAsync());
    }

    [Fact]
    public async Task Stats_players_and_rooms_show_real_tcp_and_websocket_players()
    {
        await using var server = await TestServer.StartAsync(AdminHttp.Hocon);
        using var admin = new AdminHttp(server);
        await using var ada = await server.ConnectPlayerAsync("Ada");
        await using var bo = await server.ConnectWebSocketPlayerAsync("Bo");
        await ada.JoinAsync("admin-lobby").Soon();
        await bo.JoinAsync("admin-lobby").Soon();
        await bo.JoinAsync("admin-side").Soon();
        await ada.PingAsync().Soon();

        var players = (JArray)(await admin.GetOkAsync("/admin/api/players"))["players"]!;
        Assert.Equal([ada.UserId, bo.UserId], players.Select(p => (long)p["user_id"]!));
        var adaRow = players[0];
        var boRow = players[1];
        Assert.Equal(("Ada", "tcp"), ((string)adaRow["name"]!, (string)adaRow["transport"]!));
        Assert.Equal(("Bo", "websocket"), ((string)boRow["name"]!, (string)boRow["transport"]!));
        Assert.Equal(["admin-lobby"], adaRow["rooms"]!.Select(r => (string)r!));
        Assert.Equal(["admin-lobby", "admin-side"], boRow["rooms"]!.Select(r => (string)r!));
        Assert.All(players, p =>
        {
            Assert.StartsWith("127.0.0.1:", (string)p["remote"]!);
            var connectedAt = DateTimeOffset.Parse((string)p["connected_at"]!, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
            Assert.EndsWith("Z", (string)p["connected_at"]!);
            Assert.InRange(connectedAt, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1));
            Assert.StartsWith("akka.tcp://", (string)p["node"]!);
        });
        Assert.True((long)adaRow["frames_in"]! >= 3, adaRow.ToString()); // HELLO, JOIN, PING
        Assert.True((long)adaRow["frames_out"]! >= 4, adaRow.ToString()); // WELCOME, HELLO_OK, JOINED, PRESENCE, PONG
        Assert.True((long)adaRow["bytes_in"]! > (long)adaRow["frames_in"]! * 4);
        Assert.True((long)adaRow["bytes_out"]! > (long)adaRow["frames_out"]! * 4);
        Assert.Empty((JArray)(await admin.GetOkAsync("/admin/api/players"))["missing_nodes"]!);

        // Traffic counts follow what the player does.
        for (var i = 0; i < 5; i++)
        {
            await ada.PingAsync().Soon();
        }

        var after = ((JArray)(await admin.GetOkAsync("/admin/api/players"))["players"]!).Single(p => (long)p["user_id"]! == ada.UserId);
        Assert.True((long)after["frames_in"]! >= (long)adaRow["frames_in"]! + 5, after.ToString());
        Assert.True((long)after["bytes_out"]! > (long)adaRow["bytes_out"]!, after.ToString());

        var stats = await admin.GetOkAsync("/admin/api/stats");
        Assert.Equal(2, (int)stats["players_online"]!);
        Assert.False(string.IsNullOrEmpty((string?)stats["version"]));
        Assert.True((double)stats["uptime_seconds"]! >= 0);
        Assert.True((double)stats["frames_in_per_second"]! >= 0);
        Assert.True((double)stats["frames_out_per_second"]! >= 0);
        var node = Assert.Single((JArray)stats["nodes"]!);
        Assert.Equal(2, (int)node["players_online"]!);
        Assert.Equal((string)adaRow["node"]!, (string)node["node"]!);
        Assert.Empty((JArray)stats["missing_nodes"]!);

        // Rooms are listed as ROOMS lists them (the listing follows the rooms a moment later).
        var rooms = await admin.GetUntilAsync("/admin/api/rooms", body => body["rooms"]!.Count() == 2);
        Assert.Equal(
            [("admin-lobby", 2, (string)node["node"]!), ("admin-side", 1, (string)node["node"]!)],
            rooms["rooms"]!.Select(r => ((string)r["room"]!, (int)r["members"]!, (string)r["node"]!)));
        Assert.Equal(2, (int)(await admin.GetOkAsync("/admin/api/stats"))["rooms"]!);
    }

    [Theory]
    [MemberData(nameof(WireClients.Transports), MemberType = typeof(WireClients))]
    public async Task A_kicked_player_gets_error_kicked_with_the_reason_and_is_disconnected_while_its_room_sees_it_leave(string transport)
    {
        await using var server = await TestServer.StartAsync(AdminHttp.Hocon);
        using var admin = new AdminHttp(server);
        await using var watcher = await server.ConnectPlayerAsync("Watcher");
        await watcher.JoinAsync("kick-room").Soon();
        var (player, welcome) = await server.ConnectWelcomedAsync(transport);
        await using var _ = player;
        var userId = (long)welcome["user_id"]!;
        await player.SendJsonAsync("""{"cmd":"JOIN","message":{"room":"kick-room"}}""");
        Assert.Equal("JOINED", (string?)(await player.ReadFrameAsync())["cmd"]);
        await watcher.NextUntilAsync("PRESENCE");

        var (status, body) = await admin.PostAsync($"/admin/api/players/{userId}/kick", """{"reason":"cheating, round 3"}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(userId, (long)body["kicked"]!);
        var error = await player.ReadFrameAsync();
        Assert.Equal("ERROR", (string?)error["cmd"]);
        Assert.Equal("kicked", (string?)error["message"]!["code"]);
        Assert.Equal("cheating, round 3", (string?)error["message"]!["detail"]);
        Assert.True(await player.IsClosedByServerAsync());

        var presence = await watcher.NextUntilAsync("PRESENCE");
        Assert.Equal(userId, presence.Message.GetProperty("left").GetProperty("user_id").GetInt64());
        await server.WaitForOnlineCountAsync(1);
        await admin.GetUntilAsync("/admin/api/players", b => b["players"]!.All(p => (long)p["user_id"]! != userId));

        // Counted under its own reason.
        var metrics = await PrometheusText.ScrapeAsync(admin.Client);
        Assert.True(metrics.Value("game_server_disconnects_total", ("reason", "kicked")) >= 1);
    }

    [Fact]
    public async Task A_kick_without_a_reason_gives_the_default_one()
    {
        await using var server = await TestServer.StartAsync(AdminHttp.Hocon);
        using var admin = new AdminHttp(server);
        var (player, welcome) = await WireClient.ConnectWelcomedAsync(server.EndPoint);
        await using var _ = player;

        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/admin/api/players/{(long)welcome["user_id"]!}/kick", null)).Status);

        var error = await player.ReadFrameAsync();
        Assert.Equal("kicked", (string?)error["message"]!["code"]);
        Assert.Equal("kicked by an administrator", (string?)error["message"]!["detail"]);
        Assert.True(await player.IsClosedByServerAsync());
    }

    [Fact]
    public async Task Kicking_nobody_or_with_a_bad_body_is_refused_and_disconnects_nobody()
    {
        await using var server = await TestServer.StartAsync(AdminHttp.Hocon);
        using var admin = new AdminHttp(server);
        var (player, welcome) = await WireClient.ConnectWelcomedAsync(server.EndPoint);
        await using var _ = player;
        var kick = $"/admin/api/players/{(long)welcome["user_id"]!}/kick";

        var (status, body) = await admin.PostAsync("/admin/api/players/42/kick", """{"reason":"x"}""");
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("no player 42", (string?)body["error"]);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsync("/admin/api/players/ada/kick", "{}")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostAsync(kick, "{not json")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostAsync(kick, """{"reason": 7}""")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostAsync(kick, """["reason"]""")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostAsync(kick, $$"""{"reason":"{{new string('r', 501)}}"}""")).Status);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await admin.PostAsync(kick, $$"""{"reason":"{{new string('r', 20_000)}}"}""")).Status);

        await player.SendJsonAsync("""{"cmd":"PING","message":1}""");
        Assert.Equal("PONG", (string?)(await player.ReadFrameAsync())["cmd"]);
    }

    [Fact]
    public async Task A_broadcast_reaches_tcp_and_websocket_players_as_notice()
    {
        await using var server = await TestServer.StartAsync(AdminHttp.Hocon);
        using var admin = new AdminHttp(server);
        var (tcp, _) = await WireClient.ConnectWelcomedAsync(server.EndPoint);
        await using var tcpPlayer = tcp;
        var (ws, _) = await WebSocketWireClient.ConnectWelcomedAsync(server.WebSocketUri);
        await using var wsPlayer = ws;

        var (status, body) = await admin.PostAsync("/admin/api/broadcast", """{"message":"Server restarts at 18:00 UTC — ünïcode \"ok\""}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(2, (int)body["sent_to"]!);
        foreach (var player in new IWireClient[] { tcpPlayer, wsPlayer })
        {
            var notice = await player.ReadFrameAsync();
            Assert.Equal("NOTICE", (string?)notice["cmd"]);
            Assert.Equal("Server restarts at 18:00 UTC — ünïcode \"ok\"", (string?)notice["message"]!["message"]);
        }
    }

    [Fact]
    public async Task A_broadcast_without_a_message_or_with_too_long_a_one_is_refused()
    {
        await using var server = await TestServer.StartAsync(AdminHttp.Hocon);
        using var admin = new AdminHttp(server);

        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostAsync("/admin/api/broadcast", null)).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostAsync("/admin/api/broadcast", "{}")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostAsync("/admin/api/broadcast", """{"message":"   "}""")).Status);
        var (status, body) = await admin.PostAsync("/admin/api/broadcast", $$"""{"message":"{{new string('m', 1001)}}"}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("1000", (string?)body["error"]);
        // Within 1000 characters but over max-payload once each is escaped as \u0001.
        var (escaped, _) = await admin.PostAsync("/admin/api/broadcast", $$"""{"message":"{{string.Concat(Enumerable.Repeat("\\u0001", 1000))}}"}""");
        Assert.Equal(HttpStatusCode.BadRequest, escaped);
    }

    [Fact]
    public async Task Responses_are_json_and_not_cached()
    {
        await using var server = await TestServer.StartAsync(AdminHttp.Hocon);
        using var admin = new AdminHttp(server);

        using var response = await admin.Client.GetAsync("/admin/api/stats");

        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.CacheControl?.NoStore);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/admin/api/no-such-route")).Status);
    }
}
