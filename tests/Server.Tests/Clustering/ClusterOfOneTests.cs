using ActorGameServer.Server.Tests.Support;
using Akka.Cluster;

namespace ActorGameServer.Server.Tests.Clustering;

/// <summary>A server started with no cluster settings, as <c>dotnet run</c> starts one: a cluster of one.</summary>
public sealed class ClusterOfOneTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Joins_itself_is_the_one_Up_member_and_players_still_ping()
    {
        var cluster = Akka.Cluster.Cluster.Get(_server.Host.System);
        await ClusterView.WaitForUpMembersAsync(_server.Host.System, cluster.SelfAddress);
        Assert.Equal("127.0.0.1", cluster.SelfAddress.Host); // The safe default host.
        Assert.NotEqual(9302, cluster.SelfAddress.Port); // Test servers take a free port.
        Assert.Equal(MemberStatus.Up, cluster.SelfMember.Status);

        var (player, _) = await WireClient.ConnectWelcomedAsync(_server.EndPoint);
        await using var _ = player;
        await player.SendJsonAsync("""{"cmd":"PING","message":1}""");
        Assert.Equal("""{"cmd":"PONG","message":1}""", await player.ReadFrameTextAsync());
    }
}
