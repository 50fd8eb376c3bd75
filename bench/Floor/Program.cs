using System.Globalization;
using System.Net;
using ActorGameServer.Floor;
using Akka.Actor;
using Akka.Configuration;

// usage: Floor [--port 9402] [--transport akka-io|sockets] [--frame-size 2k] [--shared-handler]
var port = 9402;
var transport = "akka-io";
var frameSize = "2k";
var sharedHandler = false;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--port" when i + 1 < args.Length: port = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--transport" when i + 1 < args.Length && args[i + 1] is "akka-io" or "sockets": transport = args[++i]; break;
        case "--frame-size" when i + 1 < args.Length: frameSize = args[++i]; break;
        case "--shared-handler": sharedHandler = true; break;
        default:
            Console.Error.WriteLine("usage: Floor [--port 9402] [--transport akka-io|sockets] [--frame-size 2k] [--shared-handler]");
            return 1;
    }
}

// The game server's per-connection Akka settings (hocon/server.hocon), and nothing else.
var config = ConfigurationFactory.ParseString($$"""
    akka {
      loglevel = WARNING
      log-dead-letters = 0
      io.tcp.maximum-frame-size = {{frameSize}}
      actor {
        compact-mailbox.mailbox-type = "ActorGameServer.Server.Actors.CompactMailbox, ActorGameServer.Server"
        deployment."/listener/*".mailbox = akka.actor.compact-mailbox
        mailbox.unbounded-queue-based.mailbox-type = "ActorGameServer.Server.Actors.CompactMailbox, ActorGameServer.Server"
      }
    }
    """);

var endPoint = new IPEndPoint(IPAddress.Loopback, port);
using var system = ActorSystem.Create("floor", config);
var (listener, description) = transport switch
{
    "akka-io" => (Props.Create(() => new AkkaIoListener(endPoint, sharedHandler)),
        $"Akka.IO, maximum-frame-size {frameSize}, {(sharedHandler ? "one handler actor for all connections" : "one handler actor per connection")}"),
    "sockets" => (Props.Create(() => new SocketListener(endPoint)), "plain sockets, one actor per connection owning its socket, zero-byte receives"),
    _ => throw new InvalidOperationException($"unknown transport {transport}"), // checked with the arguments
};
system.ActorOf(listener, "listener");
Console.WriteLine($"floor starting on {endPoint}: {description}; Ctrl+C or SIGTERM stops");

var stopped = new TaskCompletionSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stopped.TrySetResult(); };
AppDomain.CurrentDomain.ProcessExit += (_, _) => stopped.TrySetResult();
// The listeners terminate the system themselves when they cannot bind.
if (await Task.WhenAny(stopped.Task, system.WhenTerminated) != stopped.Task)
{
    return 2;
}

await system.Terminate();
return 0;
