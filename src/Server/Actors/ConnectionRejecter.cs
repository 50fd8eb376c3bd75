using ActorGameServer.Protocol;
using ActorGameServer.Server.Diagnostics;
using Akka.Actor;
using Akka.IO;

namespace ActorGameServer.Server.Actors;

/// <summary>
/// Turns away one connection the server has no room for: writes a single ERROR frame, half-closes
/// so the client reads it, and stops. It is not a player: no user id, no registry entry.
/// </summary>
public sealed class ConnectionRejecter : UntypedActor, IWithTimers
{
    private sealed class Written : Tcp.Event
    {
        public static readonly Written Instance = new();
    }

    private sealed class GiveUp
    {
        public static readonly GiveUp Instance = new();
    }

    private readonly IActorRef _connection;
    private readonly ProtocolError _error;
    private readonly TimeSpan _closeTimeout;

    public ConnectionRejecter(IActorRef connection, ProtocolError error, TimeSpan closeTimeout)
    {
        _connection = connection;
        _error = error;
        _closeTimeout = closeTimeout;
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IActorRef connection, ProtocolError error, TimeSpan closeTimeout) =>
        Akka.Actor.Props.Create(() => new ConnectionRejecter(connection, error, closeTimeout));

    protected override void PreStart()
    {
        _connection.Tell(new Tcp.Register(Self, keepOpenOnPeerClosed: false, useResumeWriting: false));
        // The listener binds in pull mode: without reads the client's FIN is never seen, and
        // the close would wait for GiveUp and end in a reset.
        _connection.Tell(Tcp.ResumeReading.Instance);
        Context.Watch(_connection);
        _connection.Tell(Tcp.Write.Create(ByteString.FromBytes(GameMetrics.ErrorFrame(_error).ToLengthPrefixed()), Written.Instance));
        Timers.StartSingleTimer(nameof(GiveUp), GiveUp.Instance, _closeTimeout);
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case Written:
                _connection.Tell(Tcp.ConfirmedClose.Instance);
                break;
            case Tcp.Received:
                _connection.Tell(Tcp.ResumeReading.Instance); // Whatever it sent is not read; read on to its FIN.
                break;
            case GiveUp:
                _connection.Tell(Tcp.Abort.Instance);
                break;
            case Tcp.ConnectionClosed or Terminated or Tcp.CommandFailed:
                Context.Stop(Self);
                break;
        }
    }
}
