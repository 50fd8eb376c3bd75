using System.Net;
using ActorGameServer.Protocol;
using ActorGameServer.Server.Actors;
using ActorGameServer.Server.Routing;
using ActorGameServer.Server.Tests.Support;
using ActorGameServer.Server.Transports.Tcp;
using Akka.Actor;
using Akka.IO;
using Akka.TestKit;
using Newtonsoft.Json.Linq;
using Xunit.Abstractions;

namespace ActorGameServer.Server.Tests.Actors;

/// <summary>
/// How a registry (node 1) weighs a sign-in on another node against its own holder of the
/// account: the test stands in for the other node's registry. Without a cluster, so the registry
/// tells no other node of its own sign-ins; TwoNodeSingleSessionTests runs the whole path.
/// </summary>
public sealed class ClientRegistrySingleSessionTests(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit(SerializeMessages.Config, output: output)
{
    private static readonly EndPoint Remote = new IPEndPoint(IPAddress.Loopback, 50000);

    // SIGNIN {"account": "..."} does what HELLO with a valid token does with single-session on, and answers PONG once it did.
    private static readonly CommandRoutes Routes = new(new Dictionary<string, CommandHandler>
    {
        ["PING"] = (session, ping) => session.Send(ServerFrames.Pong(ping)),
        ["SIGNIN"] = (session, request) =>
        {
            MessageFields.TryGetString(request.Message, "account", out var account);
            session.Registry.Tell(new ClientRegistry.SignedIn(account!), session.Self);
            session.Send(ServerFrames.Pong(request));
        },
    });

    [Fact]
    public void An_earlier_sign_in_elsewhere_is_answered_with_ours_and_a_later_one_or_a_tie_with_a_higher_node_number_replaces_ours()
    {
        var registry = this.StartRegistry(ActorTestSettings.Create(), Routes, ActorRefs.Nobody);
        var ada = Connected(registry);
        var bo = Connected(registry);
        SignIn(ada, "acct-x");
        SignIn(bo, "acct-y");
        ExpectNoMsg(TimeSpan.FromMilliseconds(100)); // Outside a cluster nobody else is told.

        // Ours is the later sign-in: the other node is told so, and its holder is the one to go.
        var earlier = DateTime.UtcNow.AddMinutes(-1).Ticks;
        registry.Tell(new ClientRegistry.AccountSignedIn("acct-x", earlier, 2));
        var ours = ExpectMsg<ClientRegistry.AccountSignedIn>();
        Assert.Equal("acct-x", ours.Account);
        Assert.Equal(1, ours.NodeNumber);
        Assert.True(ours.SignedInAt > earlier);
        AssertStillServed(ada);

        // Of two sign-ins at the same time, the higher node number's is the later.
        registry.Tell(new ClientRegistry.AccountSignedIn("acct-x", ours.SignedInAt, 2));
        AssertReplaced(ada);
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));

        // An account nobody here holds (any more): nothing to replace, nothing to answer.
        registry.Tell(new ClientRegistry.AccountSignedIn("acct-x", earlier, 2));
        registry.Tell(new ClientRegistry.AccountSignedIn("acct-z", earlier, 2));
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        AssertStillServed(bo);
    }

    [Fact]
    public void A_sign_in_after_hearing_of_another_nodes_is_the_later_even_when_that_nodes_clock_is_ahead()
    {
        var registry = this.StartRegistry(ActorTestSettings.Create(), Routes, ActorRefs.Nobody);
        var ada = Connected(registry);
        var aheadByAnHour = DateTime.UtcNow.AddHours(1).Ticks;
        registry.Tell(new ClientRegistry.AccountSignedIn("acct-x", aheadByAnHour, 2)); // Nobody here holds it yet.

        SignIn(ada, "acct-x");

        // The same sign-in heard again (as if it crossed ours) does not replace ours: ours came after it.
        registry.Tell(new ClientRegistry.AccountSignedIn("acct-x", aheadByAnHour, 2));
        Assert.True(ExpectMsg<ClientRegistry.AccountSignedIn>().SignedInAt > aheadByAnHour);
        AssertStillServed(ada);
    }

    [Fact]
    public void A_second_sign_in_on_this_node_still_replaces_the_first_and_the_newer_holder_is_weighed_after_that()
    {
        var registry = this.StartRegistry(ActorTestSettings.Create(), Routes, ActorRefs.Nobody);
        var first = Connected(registry);
        var second = Connected(registry);
        SignIn(first, "acct-x");

        SignIn(second, "acct-x");

        AssertReplaced(first);
        registry.Tell(new ClientRegistry.AccountSignedIn("acct-x", DateTime.UtcNow.AddMinutes(-1).Ticks, 2));
        ExpectMsg<ClientRegistry.AccountSignedIn>();
        AssertStillServed(second);
    }

    private sealed record Client(TestProbe Connection, IActorRef Actor);

    /// <summary>A connected client whose WELCOME has reached the socket.</summary>
    private Client Connected(IActorRef registry)
    {
        var connection = this.CreateConnectionProbe();
        registry.Tell(new ClientRegistry.Admit(new TcpConnection(connection.Ref, Remote, 5000, 32)), CreateTestProbe().Ref);
        var actor = connection.ExpectMsg<Tcp.Register>().Handler;
        actor.Tell(connection.ExpectMsg<Tcp.Write>().Ack, connection);
        return new Client(connection, actor);
    }

    /// <summary>Signs in and waits for the answer, so the registry hears of the sign-in before of anything the test sends it next.</summary>
    private static void SignIn(Client client, string account)
    {
        client.Actor.Tell(WrittenFrames.Received($$$"""{"cmd":"SIGNIN","message":{"account":"{{{account}}}"}}"""), client.Connection);
        Assert.Equal("PONG", (string?)ReadOne(client)["cmd"]);
    }

    private static void AssertStillServed(Client client)
    {
        client.Actor.Tell(WrittenFrames.Received("""{"cmd":"PING","message":"still"}"""), client.Connection);
        Assert.Equal("still", (string?)ReadOne(client)["message"]);
    }

    private static void AssertReplaced(Client client)
    {
        var error = ReadOne(client);
        Assert.Equal("ERROR", (string?)error["cmd"]);
        Assert.Equal("replaced", (string?)error["message"]!["code"]);
        client.Connection.ExpectMsg<Tcp.ConfirmedClose>();
    }

    /// <summary>The one frame the client writes next, acknowledged as the socket would.</summary>
    private static JObject ReadOne(Client client)
    {
        var write = client.Connection.ExpectMsg<Tcp.Write>();
        client.Actor.Tell(write.Ack, client.Connection);
        return Assert.Single(WrittenFrames.Of(write));
    }
}
