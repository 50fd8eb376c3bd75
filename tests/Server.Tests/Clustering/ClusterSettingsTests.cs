using System.Net;
using ActorGameServer.Server.Configuration;

namespace ActorGameServer.Server.Tests.Clustering;

/// <summary>The cluster settings as an operator writes them, in HOCON or in the environment.</summary>
public sealed class ClusterSettingsTests
{
    [Fact]
    public void Defaults_are_a_private_cluster_of_one_on_port_9302()
    {
        var cluster = FromEnvironment(new Dictionary<string, string>());

        Assert.Equal("127.0.0.1", cluster.Host);
        Assert.Equal(9302, cluster.Port);
        Assert.Empty(cluster.SeedNodes);
    }

    [Fact]
    public void The_environment_variables_set_host_port_and_comma_separated_seed_nodes()
    {
        var cluster = FromEnvironment(new Dictionary<string, string>
        {
            ["GAME_SERVER_CLUSTER_HOST"] = "10.0.0.7",
            ["GAME_SERVER_CLUSTER_PORT"] = "9402",
            ["GAME_SERVER_SEED_NODES"] = "10.0.0.5:9302, node-b.internal:9402,[fd00::1]:9302",
        });

        Assert.Equal("10.0.0.7", cluster.Host);
        Assert.Equal(9402, cluster.Port);
        Assert.Equal(
            [new DnsEndPoint("10.0.0.5", 9302), new DnsEndPoint("node-b.internal", 9402), new DnsEndPoint("fd00::1", 9302)],
            cluster.SeedNodes);
    }

    [Fact]
    public void The_hocon_keys_set_host_port_and_seed_nodes()
    {
        var cluster = FromHocon("""game-server.cluster { host = "192.168.1.20", port = 0, seed-nodes = ["192.168.1.10:9302"] }""");

        Assert.Equal("192.168.1.20", cluster.Host);
        Assert.Equal(0, cluster.Port);
        Assert.Equal([new DnsEndPoint("192.168.1.10", 9302)], cluster.SeedNodes);
        Assert.Equal("akka.tcp://game-server@192.168.1.10:9302", Assert.Single(cluster.SeedAddresses("game-server")).ToString());
    }

    [Theory]
    [InlineData("game-server.cluster.port = 70000", "game-server.cluster.port: 70000 is outside 0..65535")]
    [InlineData("game-server.cluster.port = many", "game-server.cluster.port")]
    [InlineData("""game-server.cluster.host = "" """, "game-server.cluster.host: must not be empty")]
    [InlineData("""game-server.cluster.host = "0.0.0.0" """, "'0.0.0.0' is not an address other nodes can reach")]
    [InlineData("""game-server.cluster.host = "no spaces please" """, "is neither an IP address nor a host name")]
    [InlineData("""game-server.cluster.seed-nodes = ["10.0.0.5"]""", "seed node '10.0.0.5' is not host:port")]
    [InlineData("""game-server.cluster.seed-nodes = ["10.0.0.5:"]""", "seed node '10.0.0.5:' is not host:port")]
    [InlineData("""game-server.cluster.seed-nodes = [":9302"]""", "seed node ':9302' is not host:port")]
    [InlineData("""game-server.cluster.seed-nodes = ["10.0.0.5:0"]""", "seed node '10.0.0.5:0' has no port in 1..65535")]
    [InlineData("""game-server.cluster.seed-nodes = ["10.0.0.5:http"]""", "seed node '10.0.0.5:http' has no port in 1..65535")]
    public void A_bad_value_is_refused_naming_the_setting_and_what_is_wrong(string hocon, string message)
    {
        var error = Assert.Throws<ConfigurationException>(() => FromHocon(hocon));

        Assert.Contains(message, error.Message);
        Assert.StartsWith("game-server.cluster.", error.Message);
    }

    [Fact]
    public void A_seed_without_a_port_in_the_environment_is_refused_too()
    {
        var error = Assert.Throws<ConfigurationException>(() => FromEnvironment(new Dictionary<string, string>
        {
            ["GAME_SERVER_SEED_NODES"] = "10.0.0.5:9302,10.0.0.6",
        }));

        Assert.Equal("game-server.cluster.seed-nodes: seed node '10.0.0.6' is not host:port (for example 10.0.0.5:9302)", error.Message);
    }

    private static ClusterSettings FromEnvironment(IReadOnlyDictionary<string, string> environment) =>
        GameServerSettings.From(ServerConfig.Load(null, name => environment.GetValueOrDefault(name))).Cluster;

    private static ClusterSettings FromHocon(string hocon) => GameServerSettings.From(ServerConfig.LoadWith(hocon)).Cluster;
}
