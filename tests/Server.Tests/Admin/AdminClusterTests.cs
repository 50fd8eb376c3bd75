using System.Net;
using ActorGameServer.Server.Tests.Support;
using Newtonsoft.Json.Linq;

namespace ActorGameServer.Server.Tests.Admin;

/// <summary>
/// The admin API of one node of a two-node cluster (in-process) speaks for the whole cluster:
/// it lists the players of both, kicks a player on the other node, and broadcasts to both.
/// </summary>
public sealed class AdminClusterTests
{
    [Fact]
    public async Task One_nodes_admin_api_lists_kicks_and_tells_the_players_of_both_nodes()
    {
        await using var cluster = await TestCluster.StartAsync(2, AdminHttp.Hocon);
        using var admin0 = new AdminHttp(cluster[0]);
        using var admin1 = new AdminHttp(cluster[1]);
        await using var watcher = await cluster[0].ConnectPlayerAsync("Watcher");
        await watcher.JoinAsync("cluster-admin").Soon();
        var (ada, adaWelcome) = await WireClient.ConnectWelcomedAsync(cluster[0].EndPoint);
        await using var _ = ada;
        var (bo, boWelcome) = await WebSocketWireClient.ConnectWelcomedAsync(cluster[1].WebSocketUri);
        await using var __ = bo;
        var adaId = (long)adaWelcome["user_id"]!;
        var boId = (long)boWelcome["user_id"]!;
        await ada.SendJsonAsync("""{"cmd":"HELLO","message":{"name":"Ada"}}""");
        Assert.Equal("HELLO_OK", (string?)(await ada.ReadFrameAsync())["cmd"]);
        await bo.SendJsonAsync("""{"cmd":"HELLO","message":{"name":"Bo"}}""");
        Assert.Equal("HELLO_OK", (string?)(await bo.ReadFrameAsync())["cmd"]);
        await bo.SendJsonAsync("""{"cmd":"JOIN","message":{"room":"cluster-admin"}}""");
        Assert.Equal("JOINED", (string?)(await bo.ReadFrameAsync())["cmd"]);
        await watcher.NextUntilAsync("PRESENCE");
        var node0 = TestCluster.Address(cluster[0]).ToString();
        var node1 = TestCluster.Address(cluster[1]).ToString();

        // Both nodes' players, each with the node it is on, from either node's API.
        foreach (var admin in new[] { admin0, admin1 })
        {
            var players = await admin.GetOkAsync("/admin/api/players");
            Assert.Empty((JArray)players["missing_nodes"]!);
            var rows = players["players"]!.ToDictionary(p => (long)p["user_id"]!);
            Assert.Equal(3, rows.Count);
            Assert.Equal(("Ada", "tcp", node0), ((string)rows[adaId]["name"]!, (string)rows[adaId]["transport"]!, (string)rows[adaId]["node"]!));
            Assert.Equal(("Bo", "websocket", node1), ((string)rows[boId]["name"]!, (string)rows[boId]["transport"]!, (string)rows[boId]["node"]!));
            Assert.Equal(["cluster-admin"], rows[boId]["rooms"]!.Select(r => (string)r!));

            var stats = await admin.GetOkAsync("/admin/api/stats");
            Assert.Equal(3, (int)stats["players_online"]!);
            Assert.Equal(
                [(node0, 2), (node1, 1)],
                stats["nodes"]!.Select(n => ((string)n["node"]!, (int)n["players_online"]!)).OrderBy(n => n.Item1 == node0 ? 0 : 1));
            Assert.Empty((JArray)stats["missing_nodes"]!);

            // The room is listed on both, under the node its actor lives on (published a moment later elsewhere).
            var host = await cluster.HostOfAsync("cluster-admin");
            var rooms = await admin.GetUntilAsync("/admin/api/rooms", b => b["rooms"]!.Any(r => (string)r["room"]! == "cluster-admin" && (int)r["members"]! == 2));
            Assert.Equal(TestCluster.Address(cluster[host]).ToString(), (string)rooms["rooms"]!.Single(r => (string)r["room"]! == "cluster-admin")["node"]!);
        }

        // Node 0's API kicks Bo, who is on node 1: routed by the node number in the user id.
        var (status, kicked) = await admin0.PostAsync($"/admin/api/players/{boId}/kick", """{"reason":"spamming"}""");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(boId, (long)kicked["kicked"]!);
        var error = await bo.ReadFrameAsync();
        Assert.Equal(("ERROR", "kicked", "spamming"), ((string?)error["cmd"], (string?)error["message"]!["code"], (string?)error["message"]!["detail"]));
        Assert.True(await bo.IsClosedByServerAsync());
        Assert.Equal(boId, (await watcher.NextUntilAsync("PRESENCE")).Message.GetProperty("left").GetProperty("user_id").GetInt64());
        await cluster[1].WaitForOnlineCountAsync(0);

        // A user id of node 1's range that nobody holds: 404 from node 0 too.
        Assert.Equal(HttpStatusCode.NotFound, (await admin0.PostAsync($"/admin/api/players/{boId}/kick", "{}")).Status);

        // A broadcast through node 1 reaches the players on node 0.
        var (wsPlayer, _) = await WebSocketWireClient.ConnectWelcomedAsync(cluster[1].WebSocketUri);
        await using var ___ = wsPlayer;
        var (sent, body) = await admin1.PostAsync("/admin/api/broadcast", """{"message":"maintenance in 5 minutes"}""");
        Assert.Equal(HttpStatusCode.OK, sent);
        Assert.Equal(3, (int)body["sent_to"]!); // Watcher and Ada on node 0, the new player on node 1.
        foreach (var player in new IWireClient[] { ada, wsPlayer })
        {
            var notice = await player.ReadFrameAsync();
            Assert.Equal(("NOTICE", "maintenance in 5 minutes"), ((string?)notice["cmd"], (string?)notice["message"]!["message"]));
        }

        Assert.Equal("maintenance in 5 minutes", (await watcher.NextUntilAsync("NOTICE")).Message.GetProperty("message").GetString());
    }

    [Fact]
    public async Task A_node_that_does_not_answer_is_listed_as_missing_and_the_others_are_still_reported()
    {
        await using var cluster = await TestCluster.StartAsync(2, AdminHttp.Hocon + "\n" + TestCluster.Crashable);
        using var admin = new AdminHttp(cluster[0]);
        var (ada, adaWelcome) = await WireClient.ConnectWelcomedAsync(cluster[0].EndPoint);
        await using var _ = ada;
        var node1 = TestCluster.Address(cluster[1]).ToString();

        await cluster.CrashAsync(1);

        // Until the cluster removes it, the crashed node is still a member and cannot answer: the
        // API answers anyway, within its 2 s per question, and says which node is missing.
        foreach (var path in new[] { "/admin/api/players", "/admin/api/stats" })
        {
            var body = await admin.GetOkAsync(path);
            var missing = body["missing_nodes"]!.Select(n => (string)n!).ToList();
            var listed = path.EndsWith("stats", StringComparison.Ordinal)
                ? body["nodes"]!.Select(n => (string)n["node"]!)
                : body["players"]!.Select(p => (string)p["node"]!);
            Assert.DoesNotContain(node1, listed);
            Assert.True(missing.Count == 0 || missing.SequenceEqual([node1]), body.ToString()); // Empty once it was removed.
        }

        var players = await admin.GetOkAsync("/admin/api/players");
        Assert.Equal([(long)adaWelcome["user_id"]!], players["players"]!.Select(p => (long)p["user_id"]!));
    }
}
