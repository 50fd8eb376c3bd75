using System.Diagnostics;
using System.Net;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;
using ActorGameServer.Server.Tests.Support;

namespace ActorGameServer.Server.Tests.Publish;

/// <summary>
/// The way docs/OPERATIONS.md ships the server to a VPS: <c>dotnet publish -r linux-x64
/// --self-contained -p:PublishSingleFile=true</c>, then the one executable (with hocon/ and
/// wwwroot/ beside it) started from another directory, with no .NET installed for it to use.
/// The publish compiles the server afresh into its own artifacts directory, about 20-40 s on two
/// cores, so it runs in the isolated collection, where it slows no timing-sensitive test down;
/// <c>--filter Category!=Publish</c> leaves it out.
/// </summary>
[Collection(Isolated.Name)]
[Trait("Category", "Publish")]
public sealed partial class SingleFilePublishTests : IDisposable
{
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromMinutes(5);

    private readonly string _directory = Directory.CreateTempSubdirectory("ags-publish-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task The_single_file_binary_serves_players_health_and_metrics_and_stops_on_sigterm()
    {
        var output = Path.Combine(_directory, "publish");
        await PublishAsync(output);

        // One executable with every assembly and the defaults inside it: copied alone to another
        // directory, as to a VPS, it is all the server needs.
        var published = Path.Combine(output, "ActorGameServer.Server");
        Assert.True(File.Exists(published), $"no {published}");
        Assert.Empty(Directory.GetFiles(output, "*.dll"));
        Assert.False(Directory.Exists(Path.Combine(output, "hocon")), "the defaults are embedded, not a file beside the binary");
        var elsewhere = Directory.CreateDirectory(Path.Combine(_directory, "vps")).FullName;
        var executable = Path.Combine(elsewhere, "ActorGameServer.Server");
        File.Copy(published, executable); // On Unix the copy keeps the mode, execute bit included.

        using var server = ServerProcess.StartExecutable(executable, elsewhere, new Dictionary<string, string>
        {
            ["GAME_SERVER_HOST"] = "127.0.0.1",
            ["GAME_SERVER_PORT"] = "0",
            ["GAME_SERVER_HTTP_PORT"] = "0",
            // Not the dotnet that runs the tests: a self-contained binary must need none.
            ["DOTNET_ROOT"] = Path.Combine(_directory, "no-dotnet-here"),
        });
        var endPoint = await server.WaitUntilListeningAsync();
        var http = new Uri($"http://{await server.WaitForLogAsync(HttpLine())}/");

        var (player, welcome) = await WireClient.ConnectWelcomedAsync(endPoint);
        await using (player)
        {
            Assert.Equal("0.1.0", (string?)welcome["version"]);
            await player.SendJsonAsync("""{"cmd":"PING","message":1}""");
            var pong = await player.ReadFrameAsync();
            Assert.Equal("PONG", (string?)pong["cmd"]);
            Assert.Equal(1, (int)pong["message"]!);

            using var client = new HttpClient { BaseAddress = http, Timeout = WireClient.DefaultTimeout };
            using (var healthz = await client.GetAsync("healthz"))
            {
                Assert.Equal(HttpStatusCode.OK, healthz.StatusCode);
            }

            using (var readyz = await client.GetAsync("readyz"))
            {
                Assert.Equal(HttpStatusCode.OK, readyz.StatusCode);
            }

            var metrics = await client.GetStringAsync("metrics");
            Assert.Matches(PingCounted(), metrics);
            Assert.Contains("dotnet_gc_collections_total", metrics); // The runtime's meter works from a bundle too.

            server.SendSigterm();
            Assert.Equal("SHUTDOWN", (string?)(await player.ReadFrameAsync())["cmd"]);
        }

        Assert.Equal(0, await server.WaitForExitAsync());
        Assert.Equal("", server.StandardError);
    }

    /// <summary>The publish docs/OPERATIONS.md gives, with its own artifacts directory so it shares no obj/ or bin/ with builds of the tree.</summary>
    private async Task PublishAsync(string output)
    {
        var runtime = "linux-" + RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = RepositoryRoot(),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
        {
            "publish", Path.Combine("src", "Server", "Server.csproj"), "-c", "Release", "-r", runtime, "--self-contained",
            "-p:PublishSingleFile=true", "--artifacts-path", Path.Combine(_directory, "artifacts"), "-o", output,
            // No MSBuild node or compiler server left running after the test.
            "--disable-build-servers",
        })
        {
            start.ArgumentList.Add(arg);
        }

        var log = new StringBuilder();
        using var publish = new Process { StartInfo = start };
        publish.OutputDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        publish.ErrorDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        publish.Start();
        publish.BeginOutputReadLine();
        publish.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(PublishTimeout);
        try
        {
            await publish.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            publish.Kill(entireProcessTree: true);
            Assert.Fail($"dotnet publish did not finish within {PublishTimeout}:\n{log}");
        }

        publish.WaitForExit(); // Drains the redirected output.
        Assert.True(publish.ExitCode == 0, $"dotnet publish failed with exit code {publish.ExitCode}:\n{log}");
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ActorGameServer.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"no ActorGameServer.sln above {AppContext.BaseDirectory}");
    }

    [GeneratedRegex(@"\(HTTP on (\S+)\)")]
    private static partial Regex HttpLine();

    [GeneratedRegex(@"game_server_frames_received_total\{[^}]*cmd=""PING""[^}]*\} [1-9]")]
    private static partial Regex PingCounted();
}
