using ActorGameServer.Server.Tests.Auth;
using ActorGameServer.Server.Tests.Support;

namespace ActorGameServer.Server.Tests.Clustering;

/// <summary>auth.single-session on two real servers in one cluster: an account keeps one connection in the whole cluster.</summary>
public sealed class TwoNodeSingleSessionTests
{
    [Fact]
    public async Task A_sign_in_on_one_node_replaces_the_accounts_connection_on_the_other_and_leaves_other_accounts_alone()
    {
        await using var cluster = await TestCluster.StartAsync(2, TestTokens.Hs256Hocon("single-session = on"));
        var token = TestTokens.Hs256("acct-roaming", "Roamer");

        await using var onFirst = await SignedInAsync(cluster[0], token);
        await using var bystander = await cluster[1].ConnectPlayerAsync();
        await bystander.HelloAsync(null, TestTokens.Hs256("acct-other")).Soon();
        await using var onSecond = await SignedInAsync(cluster[1], token);

        await AssertReplacedAsync(onFirst);
        await AssertStillServedAsync(onSecond);
        await bystander.AssertStillServedAsync();

        // And back: the later sign-in wins whichever node it is on.
        await using var backOnFirst = await SignedInAsync(cluster[0], token);
        await AssertReplacedAsync(onSecond);
        await AssertStillServedAsync(backOnFirst);
        await bystander.AssertStillServedAsync();
        await cluster[0].WaitForOnlineCountAsync(1);
        await cluster[1].WaitForOnlineCountAsync(1);
    }

    private static async Task<WireClient> SignedInAsync(TestServer node, string token)
    {
        var (client, _) = await WireClient.ConnectWelcomedAsync(node.EndPoint);
        await client.SendJsonAsync($$$"""{"cmd":"HELLO","id":1,"message":{"token":"{{{token}}}"}}""");
        Assert.Equal("HELLO_OK", (string?)(await client.ReadFrameAsync())["cmd"]);
        return client;
    }

    private static async Task AssertReplacedAsync(WireClient client)
    {
        var replaced = await client.ReadFrameAsync();
        Assert.Equal("ERROR", (string?)replaced["cmd"]);
        Assert.Equal("replaced", (string?)replaced["message"]!["code"]);
        Assert.True(await client.IsClosedByServerAsync());
    }

    private static async Task AssertStillServedAsync(WireClient client)
    {
        await client.SendJsonAsync("""{"cmd":"PING","message":"still"}""");
        Assert.Equal("""{"cmd":"PONG","message":"still"}""", await client.ReadFrameTextAsync());
    }
}
