using System.Net;
using ActorGameServer.Protocol;
using ActorGameServer.Server.Actors;
using ActorGameServer.Server.Rooms;
using ActorGameServer.Server.Routing;
using ActorGameServer.Server.Tests.Support;
using ActorGameServer.Server.Transports.Tcp;
using Akka.Actor;
using Akka.IO;
using Akka.TestKit;
using Xunit.Abstractions;

namespace ActorGameServer.Server.Tests.Actors;

public sealed class ClientRegistryTests(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit(SerializeMessages.Config, output: output)
{
    private static readonly EndPoint Remote = new IPEndPoint(IPAddress.Loopback, 50000);

    [Fact]
    public void Gives_every_connection_a_new_user_id_starting_at_one()
    {
        var registry = this.StartRegistry(ActorTestSettings.Create(), CommandRoutes.Default, ActorRefs.Nobody);

        var ids = Enumerable.Range(0, 5).Select(_ => WelcomedUserId(Accept(registry))).ToList();

        Assert.Equal([1L, 2L, 3L, 4L, 5L], ids);
        Assert.Equal(5, OnlineCount(registry));
    }

    [Fact]
    public void Admits_nobody_before_its_node_is_Up_in_the_cluster()
    {
        // Without NodeUp it has no user ids of its own, and one id handed out twice in a
        // cluster would send one player's DIRECTs to another.
        var registry = Sys.ActorOf(ClientRegistry.Props(ActorTestSettings.Create(), CommandRoutes.Default, ActorRefs.Nobody));

        Accept(registry);

        var refused = ExpectRefused();
        Assert.Equal(ErrorCode.ServerFull, refused.Error.Code);
        Assert.Contains("not ready", refused.Error.Detail);
        Assert.Equal(0, OnlineCount(registry));
    }

    [Fact]
    public void The_online_count_follows_disconnects_whatever_their_reason()
    {
        var registry = this.StartRegistry(ActorTestSettings.Create(), CommandRoutes.Default, ActorRefs.Nobody);
        var connections = Enumerable.Range(0, 4).Select(_ => Accept(registry)).ToList();
        var clients = connections.Select(c => c.ExpectMsg<Tcp.Register>().Handler).ToList();

        clients[0].Tell(Tcp.PeerClosed.Instance, connections[0]);
        clients[1].Tell(new Tcp.ErrorClosed("Connection reset by peer"), connections[1]);
        AwaitAssert(() => Assert.Equal(2, OnlineCount(registry)));

        clients[2].Tell(Tcp.Aborted.Instance, connections[2]);
        AwaitAssert(() => Assert.Equal(1, OnlineCount(registry)));

        // A new connection still gets a fresh id: ids are never reused while the process lives.
        Assert.Equal(5L, WelcomedUserId(Accept(registry)));
    }

    [Fact]
    public void A_client_whose_handler_throws_is_stopped_alone_and_removed()
    {
        var routes = new CommandRoutes(new Dictionary<string, CommandHandler>
        {
            ["PING"] = (session, ping) => session.Send(ServerFrames.Pong(ping)),
            ["CRASH"] = (_, _) => throw new InvalidOperationException("bug in a handler"),
        });
        var registry = this.StartRegistry(ActorTestSettings.Create(), routes, ActorRefs.Nobody);
        var victim = Accept(registry);
        var bystander = Accept(registry);
        var victimClient = victim.ExpectMsg<Tcp.Register>().Handler;
        var bystanderClient = bystander.ExpectMsg<Tcp.Register>().Handler;
        var welcome = bystander.ExpectMsg<Tcp.Write>();
        Watch(victimClient);

        EventFilter.Error(start: "client 1 from").ExpectOne(() =>
            victimClient.Tell(WrittenFrames.Received("""{"cmd":"CRASH"}"""), victim));

        ExpectTerminated(victimClient);
        AwaitAssert(() => Assert.Equal(1, OnlineCount(registry)));
        bystanderClient.Tell(welcome.Ack, bystander);
        bystanderClient.Tell(WrittenFrames.Received("""{"cmd":"PING","message":"ok"}"""), bystander);
        Assert.Equal("PONG", (string?)WrittenFrames.Of(bystander.ExpectMsg<Tcp.Write>())[0]["cmd"]);
    }

    [Fact]
    public void Asks_every_client_to_check_for_idleness_so_a_silent_one_is_closed_idle_timeout()
    {
        var registry = this.StartRegistry(ActorTestSettings.Create("game-server.idle-timeout = 500ms"), CommandRoutes.Default, ActorRefs.Nobody);
        var (silent, _) = Connected(registry);

        var write = silent.ExpectMsg<Tcp.Write>(TimeSpan.FromSeconds(10));

        Assert.Equal("idle_timeout", (string?)WrittenFrames.Of(write)[0]["message"]!["code"]);
    }

    [Fact]
    public void A_client_stopped_without_reporting_why_is_still_counted_gone()
    {
        var registry = this.StartRegistry(ActorTestSettings.Create(), CommandRoutes.Default, ActorRefs.Nobody);
        var (_, client) = Connected(registry);
        Connected(registry);

        Sys.Stop(client); // No Disconnected: the registry hears of it only as the client's parent.

        AwaitAssert(() => Assert.Equal(1, OnlineCount(registry)));
    }

    [Fact]
    public void Over_the_cap_a_connection_is_refused_server_full_and_spends_no_user_id()
    {
        var registry = this.StartRegistry(ActorTestSettings.Create("game-server.max-connections = 2"), CommandRoutes.Default, ActorRefs.Nobody);
        var first = Accept(registry);
        var firstClient = first.ExpectMsg<Tcp.Register>().Handler;
        Accept(registry).ExpectMsg<Tcp.Register>();

        Accept(registry);
        Assert.Equal(ErrorCode.ServerFull, ExpectRefused().Error.Code);
        Assert.Equal(2, OnlineCount(registry));

        firstClient.Tell(Tcp.PeerClosed.Instance, first);
        AwaitAssert(() => Assert.Equal(1, OnlineCount(registry)));
        Assert.Equal(3L, WelcomedUserId(Accept(registry))); // The refused connection spent no id.
    }

    [Fact]
    public void Over_the_per_address_cap_only_that_address_is_refused()
    {
        var registry = this.StartRegistry(ActorTestSettings.Create("game-server.max-connections-per-ip = 1"), CommandRoutes.Default, ActorRefs.Nobody);
        Accept(registry).ExpectMsg<Tcp.Register>();

        Accept(registry);
        Assert.Equal(ErrorCode.TooManyConnections, ExpectRefused().Error.Code);

        var otherAddress = Accept(registry, new IPEndPoint(IPAddress.Parse("192.0.2.7"), 40000));
        otherAddress.ExpectMsg<Tcp.Register>();
        Assert.Equal("WELCOME", (string?)WrittenFrames.Of(otherAddress.ExpectMsg<Tcp.Write>())[0]["cmd"]);
    }

    [Fact]
    public void CloseAll_tells_every_client_and_answers_once_they_are_gone()
    {
        var registry = this.StartRegistry(ActorTestSettings.Create(), CommandRoutes.Default, ActorRefs.Nobody);
        var connections = Enumerable.Range(0, 3).Select(_ => Accept(registry)).ToList();
        var clients = connections.Select(c => c.ExpectMsg<Tcp.Register>().Handler).ToList();
        for (var i = 0; i < 3; i++)
        {
            clients[i].Tell(connections[i].ExpectMsg<Tcp.Write>().Ack, connections[i]);
        }

        registry.Tell(new ClientRegistry.CloseAll("maintenance", TimeSpan.FromSeconds(5)));

        for (var i = 0; i < 3; i++)
        {
            var write = connections[i].ExpectMsg<Tcp.Write>();
            Assert.Equal("SHUTDOWN", (string?)WrittenFrames.Of(write)[0]["cmd"]);
            clients[i].Tell(write.Ack, connections[i]);
            connections[i].ExpectMsg<Tcp.ConfirmedClose>();
            clients[i].Tell(Tcp.ConfirmedClosed.Instance, connections[i]);
            if (i < 2)
            {
                // The registry answers as soon as the last client is gone, not before: once it
                // counts this one gone, any early answer would already be in our mailbox.
                AwaitAssert(() => Assert.Equal(2 - i, OnlineCount(registry)));
                ExpectNoMsg(TimeSpan.Zero);
            }
        }

        Assert.Equal(3, ExpectMsg<ClientRegistry.AllClientsClosed>().Closed);
        Assert.Equal(0, OnlineCount(registry));
    }

    [Fact]
    public void A_connection_accepted_while_closing_is_told_to_come_back_later_instead_of_joining()
    {
        var registry = this.StartRegistry(ActorTestSettings.Create(), CommandRoutes.Default, ActorRefs.Nobody);
        registry.Tell(new ClientRegistry.CloseAll("maintenance", TimeSpan.FromSeconds(5)));
        ExpectMsg<ClientRegistry.AllClientsClosed>(); // Nobody was connected.

        var latecomer = Accept(registry);
        var client = latecomer.ExpectMsg<Tcp.Register>().Handler;
        var welcome = latecomer.ExpectMsg<Tcp.Write>();
        client.Tell(welcome.Ack, latecomer);

        var write = latecomer.ExpectMsg<Tcp.Write>();
        Assert.Equal("SHUTDOWN", (string?)WrittenFrames.Of(write)[0]["cmd"]);
        client.Tell(write.Ack, latecomer);
        latecomer.ExpectMsg<Tcp.ConfirmedClose>();
    }

    [Fact]
    public void Direct_reaches_only_the_addressee_from_the_server_side_user_id_with_the_data_unchanged()
    {
        var registry = this.StartRegistry(ActorTestSettings.Create(), CommandRoutes.Default, ActorRefs.Nobody);
        var (ada, adaClient) = Connected(registry);
        var (bo, boClient) = Connected(registry);
        var (cy, cyClient) = Connected(registry);
        const string data = """{"from":99,"n":1.50,"big":9007199254740993}""";

        adaClient.Tell(WrittenFrames.Received($$"""{"cmd":"DIRECT","message":{"to":2,"data":{{data}}},"id":8}"""), ada);

        var write = bo.ExpectMsg<Tcp.Write>();
        var direct = Assert.Single(WrittenFrames.Of(write));
        Assert.Equal("DIRECT", (string?)direct["cmd"]);
        Assert.Equal(1, (long)direct["message"]!["from"]!);
        Assert.Null(direct["id"]); // A push: the sender's id is not passed on.
        Assert.Contains("\"data\":" + data, System.Text.Encoding.UTF8.GetString(write.Data.ToArray()));
        boClient.Tell(write.Ack, bo);

        // No reply on success, and nothing for Cy: a DIRECT sent after it, through the same
        // registry, is the next thing each of them sees.
        adaClient.Tell(WrittenFrames.Received("""{"cmd":"DIRECT","message":{"to":1,"data":"sentinel"}}"""), ada);
        adaClient.Tell(WrittenFrames.Received("""{"cmd":"DIRECT","message":{"to":3,"data":"sentinel"}}"""), ada);
        Assert.Equal("sentinel", (string?)ReadOne(ada, adaClient)["message"]!["data"]);
        Assert.Equal("sentinel", (string?)ReadOne(cy, cyClient)["message"]!["data"]);
    }

    [Fact]
    public void Direct_to_a_user_id_that_is_not_connected_is_answered_no_such_user_with_the_id()
    {
        var registry = this.StartRegistry(ActorTestSettings.Create(), CommandRoutes.Default, ActorRefs.Nobody);
        var (ada, adaClient) = Connected(registry);
        var (bo, boClient) = Connected(registry);

        adaClient.Tell(WrittenFrames.Received("""{"cmd":"DIRECT","message":{"to":42,"data":1},"id":"never"}"""), ada);
        var never = ReadOne(ada, adaClient);
        Assert.Equal("no_such_user", (string?)never["message"]!["code"]);
        Assert.Equal("never", (string?)never["id"]);

        boClient.Tell(Tcp.PeerClosed.Instance, bo);
        AwaitAssert(() => Assert.Equal(1, OnlineCount(registry)));
        adaClient.Tell(WrittenFrames.Received("""{"cmd":"DIRECT","message":{"to":2,"data":1},"id":"gone"}"""), ada);
        var gone = ReadOne(ada, adaClient);
        Assert.Equal("no_such_user", (string?)gone["message"]!["code"]);
        Assert.Equal("gone", (string?)gone["id"]);
    }

    /// <summary>Stands in for the transport that hands connections to the registry; hears Admitted and Refused.</summary>
    private TestProbe Transport => _transport ??= CreateTestProbe();

    private TestProbe? _transport;

    /// <summary>A TCP connection, with a probe standing in for Akka.IO's connection actor.</summary>
    private TestProbe Accept(IActorRef registry, EndPoint? remote = null)
    {
        var connection = this.CreateConnectionProbe();
        registry.Tell(new ClientRegistry.Admit(new TcpConnection(connection.Ref, remote ?? Remote, 5000, 32)), Transport.Ref);
        return connection;
    }

    private ClientRegistry.Refused ExpectRefused() =>
        (ClientRegistry.Refused)Transport.FishForMessage(message => message is ClientRegistry.Refused);

    /// <summary>A connected client whose WELCOME has reached the socket.</summary>
    private (TestProbe Connection, IActorRef Client) Connected(IActorRef registry)
    {
        var connection = Accept(registry);
        var client = connection.ExpectMsg<Tcp.Register>().Handler;
        client.Tell(connection.ExpectMsg<Tcp.Write>().Ack, connection);
        return (connection, client);
    }

    /// <summary>The one frame the client writes next, acknowledged as the socket would.</summary>
    private static Newtonsoft.Json.Linq.JObject ReadOne(TestProbe connection, IActorRef client)
    {
        var write = connection.ExpectMsg<Tcp.Write>();
        client.Tell(write.Ack, connection);
        return Assert.Single(WrittenFrames.Of(write));
    }

    private static long WelcomedUserId(TestProbe connection)
    {
        connection.ExpectMsg<Tcp.Register>();
        var welcome = WrittenFrames.Of(connection.ExpectMsg<Tcp.Write>())[0];
        return (long)welcome["message"]!["user_id"]!;
    }

    private int OnlineCount(IActorRef registry) =>
        registry.Ask<ClientRegistry.OnlineCount>(ClientRegistry.GetOnlineCount.Instance, TimeSpan.FromSeconds(10)).Result.Count;
}
