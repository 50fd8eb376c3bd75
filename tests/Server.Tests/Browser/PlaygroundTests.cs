using System.Text.Json;
using System.Text.RegularExpressions;
using ActorGameServer.Server.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ActorGameServer.Server.Tests.Browser;

/// <summary>
/// The playground page (clients/js/index.html) and its module (clients/js/game_client.js), as the
/// server serves them, in a real headless Chromium. Every check is a Playwright expectation that
/// retries until it holds, so nothing here waits a fixed time or measures one.
/// </summary>
public sealed partial class PlaygroundTests(SharedChromium chromium) : IClassFixture<SharedChromium>
{
    [ChromiumFact]
    public async Task The_page_served_at_root_connects_over_WebSocket_and_shows_its_user_id_and_ping_rtt()
    {
        await using var server = await TestServer.StartAsync();
        await using var browser = await chromium.NewPageAsync();
        var page = browser.Page;

        await page.GotoAsync(server.HttpUri.ToString());
        await Expect(page.Locator("#url")).ToHaveValueAsync(server.WebSocketUri.ToString());
        await Expect(page.Locator("#status")).ToHaveTextAsync("disconnected");

        await page.Locator("#connect").ClickAsync();
        await Expect(page.Locator("#status")).ToHaveTextAsync("connected");
        await Expect(page.Locator("#user-id")).ToHaveTextAsync(WholeNumber());
        await server.WaitForOnlineCountAsync(1);

        await page.Locator("#ping").ClickAsync();
        await Expect(page.Locator("#rtt")).ToHaveTextAsync(Milliseconds());

        await page.Locator("#disconnect").ClickAsync();
        await Expect(page.Locator("#status")).ToHaveTextAsync("disconnected");
        await server.WaitForOnlineCountAsync(0);
        Assert.Empty(browser.Errors);
    }

    [ChromiumFact]
    public async Task Presence_and_relays_flow_both_ways_between_the_page_and_a_TCP_player()
    {
        await using var server = await TestServer.StartAsync();
        await using var browser = await chromium.NewPageAsync();
        var page = browser.Page;
        var log = page.Locator("#log");

        await page.GotoAsync(server.HttpUri.ToString());
        await page.Locator("#connect").ClickAsync();
        await Expect(page.Locator("#status")).ToHaveTextAsync("connected");
        var pageUserId = long.Parse(await page.Locator("#user-id").InnerTextAsync());
        await page.Locator("#name").FillAsync("Ada");
        await page.Locator("#hello").ClickAsync();
        await Expect(log).ToContainTextAsync($"you are Ada ({pageUserId})");
        await page.Locator("#room").FillAsync("arena");
        await page.Locator("#join").ClickAsync();
        await Expect(log).ToContainTextAsync($"joined arena: Ada ({pageUserId})");

        // A TCP player joins after the page, so the page sees its PRESENCE.
        await using var bo = await server.ConnectPlayerAsync("Bo");
        await bo.JoinAsync("arena").Soon();
        await Expect(log).ToContainTextAsync($"PRESENCE arena: Bo ({bo.UserId}) joined");

        await bo.RelayAsync("arena", """{"x":10,"y":4}""");
        await Expect(log).ToContainTextAsync($$"""RELAY arena from {{bo.UserId}}: {"x":10,"y":4}""");

        await page.Locator("#relay-data").FillAsync("""{"hello": "from the browser"}""");
        await page.Locator("#relay").ClickAsync();
        Assert.Equal(
            Players.Canon("RELAY", $$$"""{"room":"arena","from":{{{pageUserId}}},"data":{"hello":"from the browser"}}"""),
            Players.Canon(await bo.NextAsync()));

        await bo.LeaveAsync("arena").Soon();
        await Expect(log).ToContainTextAsync($"PRESENCE arena: user {bo.UserId} left");
        Assert.Empty(browser.Errors);
    }

    [ChromiumFact]
    public async Task The_module_rejects_ERROR_replies_and_refuses_frames_over_max_payload_counted_in_UTF8_bytes()
    {
        await using var server = await TestServer.StartAsync();
        await using var browser = await chromium.NewPageAsync();
        await browser.Page.GotoAsync(server.HttpUri.ToString());

        // Runs in the page, against the module exactly as the server serves it.
        var result = await browser.Page.EvaluateAsync<JsonElement>("""
            async (url) => {
                const { GameClient, GameServerError, ClientError } = await import("./game_client.js");
                const client = await GameClient.connect(url);
                const refusal = (error) => ({
                    kind: error instanceof GameServerError ? "server" : error instanceof ClientError ? "client" : String(error),
                    code: error.code,
                    detail: error.detail,
                });

                let badRoom = null;
                try { await client.join("no spaces allowed"); } catch (error) { badRoom = refusal(error); }

                // A PING sent without an id whose frame is exactly max_payload UTF-8 bytes: "é" is
                // two bytes, so a limit counted in characters would let the larger one through too.
                const frameBytes = (message) => new TextEncoder().encode(JSON.stringify({ cmd: "PING", message })).length;
                let fits = "é".repeat(Math.floor((client.maxPayload - frameBytes("")) / 2));
                if (frameBytes(fits) < client.maxPayload) fits += "a";
                const echoed = new Promise((resolve) => client.on("pong", (message) => resolve(message)));
                client.send("PING", fits);
                const echoedFits = (await echoed) === fits;

                let tooLarge = null;
                try { client.send("PING", fits + "é"); } catch (error) { tooLarge = refusal(error); }

                // The connection is still served after both refusals.
                const pong = await client.ping({ n: 1.5, s: "ü" });
                const closed = await client.close();
                return {
                    userId: client.userId, maxPayload: client.maxPayload, version: client.version,
                    badRoom, fitsBytes: frameBytes(fits), echoedFits, tooLarge,
                    pong: pong.message, rttMs: pong.rttMs, closed,
                };
            }
            """, server.WebSocketUri.ToString());

        Assert.True(result.GetProperty("userId").GetInt64() >= 1);
        var maxPayload = result.GetProperty("maxPayload").GetInt32();
        Assert.Equal(5000, maxPayload);
        Assert.Equal("0.1.0", result.GetProperty("version").GetString());

        var badRoom = result.GetProperty("badRoom");
        Assert.Equal("server", badRoom.GetProperty("kind").GetString());
        Assert.Equal("bad_room", badRoom.GetProperty("code").GetString());
        Assert.False(string.IsNullOrWhiteSpace(badRoom.GetProperty("detail").GetString()));

        Assert.Equal(maxPayload, result.GetProperty("fitsBytes").GetInt32());
        Assert.True(result.GetProperty("echoedFits").GetBoolean());
        var tooLarge = result.GetProperty("tooLarge");
        Assert.Equal("client", tooLarge.GetProperty("kind").GetString());
        Assert.Equal("frame_too_large", tooLarge.GetProperty("code").GetString());
        Assert.Contains($"at most {maxPayload}", tooLarge.GetProperty("detail").GetString());

        var pong = result.GetProperty("pong");
        Assert.Equal(1.5, pong.GetProperty("n").GetDouble());
        Assert.Equal("ü", pong.GetProperty("s").GetString());
        Assert.True(result.GetProperty("rttMs").GetDouble() >= 0);
        Assert.Equal(1000, result.GetProperty("closed").GetProperty("code").GetInt32());
        Assert.Empty(browser.Errors);
    }

    [ChromiumFact]
    public async Task The_module_resumes_a_dropped_session_and_another_client_sees_it_away_then_back()
    {
        await using var server = await TestServer.StartAsync("game-server.sessions.resume-window = 60s");
        await using var browser = await chromium.NewPageAsync();
        await browser.Page.GotoAsync(server.HttpUri.ToString());

        // Two clients of the module in the page: a watcher, and a player who drops and resumes.
        // Every wait is on an event (with a generous bound), never on time.
        var result = await browser.Page.EvaluateAsync<JsonElement>("""
            async (url) => {
                const { GameClient, GameServerError } = await import("./game_client.js");
                const record = (client, types) => {
                    const log = [];
                    let wake = () => {};
                    for (const type of types) client.on(type, (detail) => { log.push({ type, detail }); wake(); });
                    log.until = (test) => new Promise((resolve, reject) => {
                        const timer = setTimeout(() => reject(new Error("timed out: " + JSON.stringify(log))), 30000);
                        wake = () => { const hit = log.find(test); if (hit) { clearTimeout(timer); resolve(hit); } };
                        wake();
                    });
                    return log;
                };
                const room = "resume-page";
                const watcher = await GameClient.connect(url);
                const seen = record(watcher, ["away", "back", "presence"]);
                await watcher.join(room);

                const player = await GameClient.connect(url);
                await player.join(room);
                const userId = player.userId;
                const token = player.sessionToken;
                const resumeWindowMs = player.resumeWindowMs;
                await player.close("dropped");   // a close without BYE: the server keeps the session
                const away = await seen.until((e) => e.type === "away");
                for (let n = 1; n <= 3; n++) watcher.relay(room, { n });
                await watcher.who(room);          // answered after the room handed out the relays (see ResumeTests)

                const again = await GameClient.connect(url);
                const freshId = again.userId;
                const got = record(again, ["resumed", "relay"]);
                const resumed = await again.resume(token);
                await got.until((e) => e.type === "relay" && e.detail.data.n === 3);
                const back = await seen.until((e) => e.type === "back");
                watcher.relay(room, { n: 4 });
                await got.until((e) => e.type === "relay" && e.detail.data.n === 4);

                const newToken = again.sessionToken;
                await again.bye();
                const left = await seen.until((e) => e.type === "presence" && e.detail.left);
                const late = await GameClient.connect(url);
                let refused = null;
                try { await late.resume(newToken); } catch (error) { refused = error instanceof GameServerError ? error.code : String(error); }
                await late.ping();                 // still served as its fresh player
                await late.close();
                await watcher.close();
                return {
                    userId, freshId, resumeWindowMs, hadToken: typeof token === "string" && token.length > 0,
                    away, back, resumed, resumedUserId: again.userId,
                    newTokenDiffers: typeof newToken === "string" && newToken.length > 0 && newToken !== token,
                    events: got.map((e) => e.type === "relay" ? "relay " + e.detail.data.n : e.type),
                    leftAfterBye: left.detail.left.user_id, awaysSeen: seen.filter((e) => e.type === "away").length,
                    tokenAfterBye: again.sessionToken, refused,
                };
            }
            """, server.WebSocketUri.ToString());

        var userId = result.GetProperty("userId").GetInt64();
        Assert.True(result.GetProperty("hadToken").GetBoolean());
        Assert.Equal(60000, result.GetProperty("resumeWindowMs").GetInt32());
        Assert.Equal(userId, result.GetProperty("away").GetProperty("detail").GetProperty("user_id").GetInt64());
        Assert.Equal("resume-page", result.GetProperty("away").GetProperty("detail").GetProperty("room").GetString());
        Assert.NotEqual(userId, result.GetProperty("freshId").GetInt64());
        var resumed = result.GetProperty("resumed");
        Assert.Equal(userId, resumed.GetProperty("user_id").GetInt64());
        Assert.Equal(3, resumed.GetProperty("missed").GetInt32());
        Assert.Equal(["resume-page"], resumed.GetProperty("rooms").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(userId, result.GetProperty("resumedUserId").GetInt64());
        Assert.True(result.GetProperty("newTokenDiffers").GetBoolean());
        // The resumed event first, then the missed relays once each and in order, then the live one.
        Assert.Equal(["resumed", "relay 1", "relay 2", "relay 3", "relay 4"], result.GetProperty("events").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(userId, result.GetProperty("back").GetProperty("detail").GetProperty("user_id").GetInt64());
        Assert.Equal(userId, result.GetProperty("leftAfterBye").GetInt64());
        Assert.Equal(1, result.GetProperty("awaysSeen").GetInt32()); // BYE: left at once, no second away
        Assert.Equal(JsonValueKind.Null, result.GetProperty("tokenAfterBye").ValueKind);
        Assert.Equal("bad_session", result.GetProperty("refused").GetString());
        Assert.Empty(browser.Errors);
    }

    [GeneratedRegex(@"^\d+$")]
    private static partial Regex WholeNumber();

    [GeneratedRegex(@"^\d+(\.\d+)? ms$")]
    private static partial Regex Milliseconds();
}
