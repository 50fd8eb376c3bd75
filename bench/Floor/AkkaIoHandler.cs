using Akka.Actor;
using Akka.IO;

namespace ActorGameServer.Floor;

/// <summary>
/// Just enough of a player actor over Akka.IO for the load test's <c>hold</c> and <c>ping</c>:
/// WELCOME on connect, and every PING answered with its PONG (see <see cref="FloorFrames"/>).
/// </summary>
internal sealed class AkkaIoHandler(IActorRef? connection) : UntypedActor
{
    protected override void PreStart()
    {
        if (connection is not null)
        {
            connection.Tell(new Tcp.Register(Self));
            connection.Tell(Tcp.Write.Create(ByteString.FromBytes(FloorFrames.Welcome)));
        }
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case Tcp.Received received:
                var reply = received.Data.ToArray();
                FloorFrames.PingToPong(reply);
                Sender.Tell(Tcp.Write.Create(ByteString.FromBytes(reply)));
                break;
            case Tcp.ConnectionClosed when connection is not null:
                Context.Stop(Self);
                break;
            case Tcp.ConnectionClosed:
                break;
            default:
                Unhandled(message);
                break;
        }
    }
}
