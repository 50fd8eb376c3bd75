using Akka.Actor;
using Akka.IO;

namespace ActorGameServer.Floor;

/// <summary>
/// Just enough of a player actor for the <c>hold</c> handshake over Akka.IO: WELCOME on connect
/// and a PONG for whatever arrives (the handshake sends exactly one PING).
/// </summary>
internal sealed class AkkaIoHandler(IActorRef? connection) : UntypedActor
{
    private static readonly ByteString Pong = ByteString.FromBytes(FloorFrames.Pong);

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
            case Tcp.Received:
                Sender.Tell(Tcp.Write.Create(Pong));
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
