using ActorGameServer.Server.Tests.Support;
using Microsoft.Playwright;

namespace ActorGameServer.Server.Tests.Browser;

/// <summary>
/// One headless Chromium for every test in a class (a class fixture): starting the browser is the
/// expensive part, a fresh context per test is cheap and shares nothing. The launch is lazy, so a
/// class whose tests are all skipped never starts a browser (xunit builds class fixtures even then).
/// </summary>
public sealed class SharedChromium : IAsyncLifetime
{
    private readonly Lazy<Task<(IPlaywright Playwright, IBrowser Browser)>> _launch = new(LaunchAsync);

    static SharedChromium()
    {
        // Locator expectations retry until this; only reached when something is wrong, and a busy
        // 2-core CI machine is slow, so the same bound as every other wait in these tests.
        Assertions.SetDefaultExpectTimeout((float)WireClient.DefaultTimeout.TotalMilliseconds);
    }

    /// <summary>A page in a context of its own, recording every script error and console error it shows.</summary>
    public async Task<BrowserPage> NewPageAsync()
    {
        var (_, browser) = await _launch.Value;
        var context = await browser.NewContextAsync();
        context.SetDefaultTimeout((float)WireClient.DefaultTimeout.TotalMilliseconds);
        return new BrowserPage(context, await context.NewPageAsync());
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_launch.IsValueCreated && _launch.Value.IsCompletedSuccessfully)
        {
            var (playwright, browser) = _launch.Value.Result;
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }

    private static async Task<(IPlaywright, IBrowser)> LaunchAsync()
    {
        if (!ChromiumFactAttribute.IsInstalled)
        {
            throw new InvalidOperationException($"{ChromiumFactAttribute.Executable} is missing: apt-get install chromium (.ci/run does)");
        }

        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new()
            {
                ExecutablePath = ChromiumFactAttribute.Executable,
                Headless = true,
                Args =
                [
                    // CI runs as root, where Chromium refuses to start with its sandbox on.
                    "--no-sandbox",
                    // Containers often have a small /dev/shm; Debian's launcher means to add this
                    // itself but its size check can misfire, so it is not left to chance.
                    "--disable-dev-shm-usage",
                ],
            });
            return (playwright, browser);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }
}

/// <summary>A page and the errors it reported, so a test can assert the page stayed clean.</summary>
public sealed class BrowserPage(IBrowserContext context, IPage page) : IAsyncDisposable
{
    private readonly List<string> _errors = Subscribe(page);

    public IPage Page { get; } = page;

    /// <summary>Uncaught exceptions, unhandled rejections and console.error lines (a failed load, say).</summary>
    public IReadOnlyList<string> Errors
    {
        get
        {
            lock (_errors)
            {
                return [.. _errors];
            }
        }
    }

    public ValueTask DisposeAsync() => context.DisposeAsync();

    private static List<string> Subscribe(IPage page)
    {
        var errors = new List<string>();
        page.PageError += (_, error) => Add(errors, $"page error: {error}");
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                Add(errors, $"console error: {message.Text} ({message.Location})");
            }
        };
        return errors;
    }

    private static void Add(List<string> errors, string error)
    {
        lock (errors)
        {
            errors.Add(error);
        }
    }
}
