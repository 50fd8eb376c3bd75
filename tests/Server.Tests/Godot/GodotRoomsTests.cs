using ActorGameServer.Server.Tests.Support;
using Xunit.Abstractions;

namespace ActorGameServer.Server.Tests.Godot;

/// <summary>
/// Two real Godot 3 engines, headless and at the same time, in one room, both speaking through
/// the Godot addon's protocol.gd: what two players of a Godot game built on the addon would see.
/// </summary>
public sealed class GodotRoomsTests(ITestOutputHelper output)
{
    private const string Room = "godot-e2e";

    /// <summary>The checks rooms_client.gd makes as either player (see <see cref="GodotRun.AssertPassed"/>).</summary>
    private static string[] LinesOfBoth(string me, string other) =>
    [
        "ok: connected to 127.0.0.1:",
        "ok: WELCOME gives me an integer user_id",
        $"ok: HELLO_OK names me {me}",
        $"ok: JOINED {Room} lists me",
        $"ok: sees {other} in the room",
        "ok: a relay over max_payload is refused before sending",
        "ok: sent 20 relays (20 accepted by the client)",
        $"ok: received {other}'s 20 relays in order, from {other}'s user id, data unchanged (20 received)",
        "ok: every check ran",
        "done: 0 failure(s)",
    ];

    private static readonly string[] AliceOnlyLines =
    [
        "ok: WHO lists alice and bob",
        "ok: ROOMS lists the room with 2 members",
        "ok: LEAVE answered with LEFT",
        "ok: bob's DIRECT says it saw me leave",
    ];

    private static readonly string[] BobOnlyLines =
    [
        "ok: sees alice leave the room",
        "ok: sent alice a DIRECT about it",
        "ok: the server answered the PING after the DIRECT",
    ];

    [GodotFact]
    public async Task Two_godot_players_in_one_room_see_each_other_and_exchange_relayed_positions_in_order()
    {
        await using var server = await TestServer.StartAsync();

        // Both at once: each script waits for the other's events, so neither may run to its end alone.
        var alice = GodotScript.RunAsync("rooms_client.gd", server.EndPoint.Port, Player("alice"));
        var bob = GodotScript.RunAsync("rooms_client.gd", server.EndPoint.Port, Player("bob"));
        await Task.WhenAll(alice, bob);
        output.WriteLine((await alice).Log);
        output.WriteLine((await bob).Log);

        (await alice).AssertPassed([.. LinesOfBoth("alice", "bob"), .. AliceOnlyLines]);
        (await bob).AssertPassed([.. LinesOfBoth("bob", "alice"), .. BobOnlyLines]);
    }

    [GodotFact]
    public async Task Two_godot_players_on_different_nodes_of_a_cluster_play_in_one_room_as_on_one_server()
    {
        await using var cluster = await TestCluster.StartAsync(2);
        // Bob DIRECTs alice once: each node must know the other's number first (learned through
        // Distributed Data, which a busy machine can delay by seconds), as Directs explains.
        await using (var first = await cluster[0].ConnectPlayerAsync("scout-1"))
        await using (var second = await cluster[1].ConnectPlayerAsync("scout-2"))
        {
            await Directs.DirectUntilDeliveredAsync(first, second);
            await Directs.DirectUntilDeliveredAsync(second, first);
        }

        var alice = GodotScript.RunAsync("rooms_client.gd", cluster[0].EndPoint.Port, Player("alice"));
        var bob = GodotScript.RunAsync("rooms_client.gd", cluster[1].EndPoint.Port, Player("bob"));
        await Task.WhenAll(alice, bob);
        output.WriteLine((await alice).Log);
        output.WriteLine((await bob).Log);

        (await alice).AssertPassed([.. LinesOfBoth("alice", "bob"), .. AliceOnlyLines]);
        (await bob).AssertPassed([.. LinesOfBoth("bob", "alice"), .. BobOnlyLines]);
    }

    private static Dictionary<string, string> Player(string name) =>
        new() { ["AGS_ROOM"] = Room, ["AGS_PLAYER"] = name };
}
