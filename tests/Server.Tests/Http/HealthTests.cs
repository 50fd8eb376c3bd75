using System.Net;
using ActorGameServer.Server.Tests.Support;

namespace ActorGameServer.Server.Tests.Http;

/// <summary>/healthz and /readyz, as a load balancer or a Kubernetes probe sees them.</summary>
public sealed class HealthTests
{
    [Fact]
    public async Task A_running_server_is_live_and_ready()
    {
        await using var server = await TestServer.StartAsync();
        using var http = new HttpClient { BaseAddress = server.HttpUri };

        Assert.Equal((HttpStatusCode.OK, "Healthy"), await GetAsync(http, "/healthz"));
        Assert.Equal((HttpStatusCode.OK, "Healthy"), await GetAsync(http, "/readyz"));
    }

    [Fact]
    public async Task From_the_moment_a_stop_begins_the_server_is_not_ready_while_it_still_tells_its_players_shutdown()
    {
        // A player that never closes its side keeps the stop busy for close-timeout: long enough
        // to look at /readyz meanwhile, as a load balancer would.
        await using var server = await TestServer.StartAsync("game-server.close-timeout = 10s");
        using var http = new HttpClient { BaseAddress = server.HttpUri };
        var (player, _) = await WireClient.ConnectWelcomedAsync(server.EndPoint);
        await using (player)
        {
            var stopping = server.Host.StopAsync();

            // The SHUTDOWN is on its way to the player, the player has not closed: not ready, still live.
            Assert.Equal("SHUTDOWN", (string?)(await player.ReadFrameAsync())["cmd"]);
            Assert.Equal((HttpStatusCode.ServiceUnavailable, "Unhealthy"), await GetAsync(http, "/readyz"));
            Assert.Equal((HttpStatusCode.OK, "Healthy"), await GetAsync(http, "/healthz"));

            await player.DisposeAsync(); // The player goes; the stop completes.
            await stopping.WaitAsync(WireClient.DefaultTimeout);
        }
    }

    private static async Task<(HttpStatusCode, string)> GetAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(path);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
