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

    [GeneratedRegex(@"^\d+$")]
    private static partial Regex WholeNumber();

    [GeneratedRegex(@"^\d+(\.\d+)? ms$")]
    private static partial Regex Milliseconds();
}
