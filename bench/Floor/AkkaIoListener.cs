using System.Net;
using Akka.Actor;
using Akka.IO;

namespace ActorGameServer.Floor;

/// <summary>
/// Binds with Akka.IO, as the game server does, and gives every connection an
/// <see cref="AkkaIoHandler"/>, or registers them all with one shared handler to measure
/// Akka.IO's own cost alone.
/// </summary>
internal sealed class AkkaIoListener(EndPoint endPoint, bool sharedHandler) : UntypedActor
{
    private IActorRef? _shared;

    protected override void PreStart()
    {
        Context.System.Tcp().Tell(new Tcp.Bind(Self, endPoint, backlog: 1000));
        if (sharedHandler)
        {
            _shared = Context.ActorOf(Props.Create(() => new AkkaIoHandler(null)), "shared");
        }
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case Tcp.Bound:
                break;
            case Tcp.CommandFailed failed:
                Console.Error.WriteLine($"cannot bind {endPoint}: {failed.CauseString}");
                Context.System.Terminate();
                break;
            case Tcp.Connected when _shared is not null:
                Sender.Tell(new Tcp.Register(_shared));
                Sender.Tell(Tcp.Write.Create(ByteString.FromBytes(FloorFrames.Welcome)));
                break;
            case Tcp.Connected:
                Context.ActorOf(Props.Create(() => new AkkaIoHandler(Sender)));
                break;
            default:
                Unhandled(message);
                break;
        }
    }
}
