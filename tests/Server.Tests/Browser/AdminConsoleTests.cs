using System.Net;
using System.Text.RegularExpressions;
using ActorGameServer.Client;
using ActorGameServer.Server.Hosting;
using ActorGameServer.Server.Tests.Support;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace ActorGameServer.Server.Tests.Browser;

/// <summary>
/// The admin console (src/Server/Admin/Console, served by <see cref="AdminConsole"/>) in a real
/// headless Chromium against a real server with admin on, driving the admin API the way an
/// operator would. Screenshots go to the test output directory; their paths are printed.
/// </summary>
public sealed partial class AdminConsoleTests(SharedChromium chromium, ITestOutputHelper output) : IClassFixture<SharedChromium>
{
    private const string Token = "admin-console-test-token";

    private static string AdminOn => $"game-server.admin.token = \"{Token}\"";

    [ChromiumFact]
    public async Task An_operator_finds_a_TCP_player_by_user_id_and_kicks_it_with_a_reason()
    {
        await using var server = await TestServer.StartAsync(AdminOn);
        var (player, welcome) = await WireClient.ConnectWelcomedAsync(server.EndPoint);
        await using var _ = player;
        var userId = (long)welcome["user_id"]!;
        await player.SendJsonAsync("""{"cmd":"HELLO","message":{"name":"Mallory"}}""");
        Assert.Equal("HELLO_OK", (string?)(await player.ReadFrameAsync())["cmd"]);
        // Someone else online, so the search has something to leave out.
        await using var bystander = await server.ConnectPlayerAsync("Bystander");

        await using var browser = await chromium.NewPageAsync();
        var page = browser.Page;
        await SignInAsync(page, server);

        await page.Locator("#player-search").FillAsync(userId.ToString());
        var rows = page.Locator("#players tbody tr[data-user-id]");
        await Expect(rows).ToHaveCountAsync(1);
        var row = page.Locator($"#players tbody tr[data-user-id=\"{userId}\"]");
        await Expect(row).ToContainTextAsync("Mallory");
        await Expect(row).ToContainTextAsync("tcp");

        await row.GetByRole(AriaRole.Button, new() { Name = "Kick" }).ClickAsync();
        await Expect(page.Locator("#kick-dialog")).ToBeVisibleAsync();
        await page.Locator("#kick-reason").FillAsync("spamming the lobby");
        await page.Locator("#kick-confirm").ClickAsync();
        await Expect(page.Locator("#toasts")).ToContainTextAsync($"Kicked Mallory ({userId})");

        var error = await player.ReadFrameAsync();
        Assert.Equal("ERROR", (string?)error["cmd"]);
        Assert.Equal("kicked", (string?)error["message"]!["code"]);
        Assert.Contains("spamming the lobby", (string?)error["message"]!["detail"]);
        Assert.True(await player.IsClosedByServerAsync(), "the kicked player's connection stays open");

        // The next refresh drops the row; the bystander is still there.
        await Expect(row).ToHaveCountAsync(0);
        await page.Locator("#player-search").FillAsync("");
        await Expect(page.Locator($"#players tbody tr[data-user-id=\"{bystander.UserId}\"]")).ToBeVisibleAsync();
        await ScreenshotAsync(page, "admin-console-kick.png");
        Assert.Empty(browser.Errors);
    }

    [ChromiumFact]
    public async Task A_wrong_token_shows_wrong_token_and_keeps_nothing_in_session_storage()
    {
        await using var server = await TestServer.StartAsync(AdminOn);
        await using var browser = await chromium.NewPageAsync();
        var page = browser.Page;

        await page.GotoAsync(AdminUri(server));
        await page.Locator("#token").FillAsync("not-the-token");
        await page.Locator("#sign-in").ClickAsync();

        await Expect(page.Locator("#login-error")).ToContainTextAsync(WrongToken());
        await Expect(page.Locator("#console-view")).ToBeHiddenAsync();
        Assert.Equal(0, await page.EvaluateAsync<int>("() => sessionStorage.length"));
        Assert.Equal(0, await page.EvaluateAsync<int>("() => localStorage.length"));
        await ScreenshotAsync(page, "admin-console-wrong-token.png");
        // The refused request is the only error the browser logs (its own line for a 401).
        Assert.All(browser.Errors, error => Assert.Contains("401", error));
    }

    [ChromiumFact]
    public async Task The_token_lives_in_session_storage_only_until_sign_out()
    {
        await using var server = await TestServer.StartAsync(AdminOn);
        await using var browser = await chromium.NewPageAsync();
        var page = browser.Page;
        await SignInAsync(page, server);

        Assert.DoesNotContain(Token, page.Url);
        Assert.Equal(Token, await page.EvaluateAsync<string?>("() => sessionStorage.getItem('actor-game-server.admin-token')"));
        Assert.Equal(0, await page.EvaluateAsync<int>("() => localStorage.length"));

        // A reload keeps the session (same tab); signing out forgets the token.
        await page.ReloadAsync();
        await Expect(page.Locator("#console-view")).ToBeVisibleAsync();
        await page.Locator("#sign-out").ClickAsync();
        await Expect(page.Locator("#login")).ToBeVisibleAsync();
        Assert.Equal(0, await page.EvaluateAsync<int>("() => sessionStorage.length"));
        Assert.Empty(browser.Errors);
    }

    [ChromiumFact]
    public async Task A_broadcast_reaches_every_player_and_the_page_says_to_how_many()
    {
        await using var server = await TestServer.StartAsync(AdminOn);
        await using var ada = await server.ConnectPlayerAsync("Ada");
        await using var bo = await server.ConnectWebSocketPlayerAsync("Bo");
        await using var browser = await chromium.NewPageAsync();
        var page = browser.Page;
        await SignInAsync(page, server);

        await page.Locator("#broadcast-message").FillAsync("Restart in 10 minutes");
        await page.Locator("#broadcast-send").ClickAsync();

        await Expect(page.Locator("#broadcast-result")).ToHaveTextAsync("Sent to 2 players");
        foreach (var player in new[] { ada, bo })
        {
            Assert.Contains("Restart in 10 minutes", (await player.NextAsync()).RawMessage.ToString());
        }

        Assert.Empty(browser.Errors);
    }

    [Fact]
    public async Task The_page_and_its_files_are_served_without_the_token_with_safe_headers_and_unknown_files_are_404()
    {
        await using var server = await TestServer.StartAsync(AdminOn);
        using var http = new HttpClient { BaseAddress = server.HttpUri, Timeout = WireClient.DefaultTimeout };

        foreach (var (path, type) in new[]
        {
            ("/admin", "text/html"), ("/admin/", "text/html"), ("/admin/console.js", "text/javascript"),
            ("/admin/console.css", "text/css"), ("/admin/vendor/uPlot.iife.min.js", "text/javascript"),
        })
        {
            using var response = await http.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(type, response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
            Assert.Equal("DENY", Header(response, "X-Frame-Options"));
            Assert.Equal(AdminConsole.ContentSecurityPolicy, Header(response, "Content-Security-Policy"));
            Assert.True(response.Headers.CacheControl?.NoCache, $"{path}: Cache-Control {response.Headers.CacheControl}");

            // Unchanged since the browser's copy: 304, no body.
            using var again = new HttpRequestMessage(HttpMethod.Get, path);
            again.Headers.IfNoneMatch.Add(response.Headers.ETag!);
            using var revalidated = await http.SendAsync(again);
            Assert.Equal(HttpStatusCode.NotModified, revalidated.StatusCode);
        }

        foreach (var path in new[] { "/admin/nope.js", "/admin/vendor/README.md", "/admin/vendor/uPlot.LICENSE", "/admin/index.html/x" })
        {
            using var response = await http.GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
    }

    /// <summary>
    /// Players on both transports, some in rooms and sending, and the charts holding a few
    /// points: the console as docs/admin-console.png shows it. Set ADMIN_CONSOLE_DOCS_PNG to a
    /// path to write the picture there as well (the docs one is made that way).
    /// </summary>
    [ChromiumFact]
    public async Task A_busy_server_fills_the_tiles_tables_and_charts()
    {
        await using var server = await TestServer.StartAsync(AdminOn);
        var names = new[] { "Ada", "Bo", "Chen", "Dmitri", "Eve", "Farah", "Gus", "Hana", "<b>Ivo</b>" };
        var rooms = new[] { "lobby", "arena-1", "arena-1", "lobby", "trade", "arena-1", null, "lobby", null };
        var players = new List<GameClient>();
        try
        {
            for (var i = 0; i < names.Length; i++)
            {
                var player = await server.ConnectPlayerAsync(i % 3 == 2 ? "ws" : "tcp", names[i]);
                players.Add(player);
                if (rooms[i] is { } room)
                {
                    await player.JoinAsync(room).Soon();
                }
            }

            await using var browser = await chromium.NewPageAsync();
            var page = browser.Page;
            await page.SetViewportSizeAsync(1440, 900);
            await SignInAsync(page, server);

            // Traffic while the charts fill, so frames/s is not a flat zero. Bounded: it stops
            // when the page holds enough points, or at the usual timeout.
            using var stop = new CancellationTokenSource(WireClient.DefaultTimeout);
            var traffic = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    foreach (var player in players)
                    {
                        await player.PingAsync(stop.Token);
                    }

                    // 20 PINGs a second each, as a game would: back to back they hit the rate limit.
                    await Task.Delay(50, stop.Token);
                }
            });
            await page.WaitForFunctionAsync("() => Number(document.body.dataset.chartPoints) >= 6");
            await stop.CancelAsync();
            try
            {
                await traffic;
            }
            catch (OperationCanceledException)
            {
                // The stop above, mid-ping.
            }

            await Expect(page.Locator("#stat-players")).ToHaveTextAsync(names.Length.ToString());
            await Expect(page.Locator("#players tbody tr[data-user-id]")).ToHaveCountAsync(names.Length);
            // A name that looks like markup is shown as the text it is.
            await Expect(page.Locator("#players tbody")).ToContainTextAsync("<b>Ivo</b>");
            await Expect(page.Locator("#players tbody b")).ToHaveCountAsync(0);
            await Expect(page.Locator("#rooms tbody tr[data-room=\"arena-1\"]")).ToContainTextAsync("3");

            var path = await ScreenshotAsync(page, "admin-console-populated.png", fullPage: true);
            if (Environment.GetEnvironmentVariable("ADMIN_CONSOLE_DOCS_PNG") is { Length: > 0 } docs)
            {
                File.Copy(path, docs, overwrite: true);
                output.WriteLine($"docs screenshot: {docs}");
            }

            Assert.Empty(browser.Errors);
        }
        finally
        {
            foreach (var player in players)
            {
                await player.DisposeAsync();
            }
        }
    }

    private static string AdminUri(TestServer server) => new Uri(server.HttpUri, "/admin").ToString();

    private static async Task SignInAsync(IPage page, TestServer server)
    {
        await page.GotoAsync(AdminUri(server));
        await page.Locator("#token").FillAsync(Token);
        await page.Locator("#sign-in").ClickAsync();
        await Expect(page.Locator("#console-view")).ToBeVisibleAsync();
        await Expect(page.Locator("#live")).ToHaveAttributeAsync("data-state", "ok");
    }

    private async Task<string> ScreenshotAsync(IPage page, string name, bool fullPage = false)
    {
        var path = Path.Combine(AppContext.BaseDirectory, name);
        await page.ScreenshotAsync(new() { Path = path, FullPage = fullPage });
        output.WriteLine($"screenshot: {path}");
        return path;
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;

    // Spelled out rather than RegexOptions.IgnoreCase: Playwright does not carry that flag to the browser.
    [GeneratedRegex("[Ww]rong token")]
    private static partial Regex WrongToken();
}
