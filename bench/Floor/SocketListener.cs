using System.Net;
using System.Net.Sockets;
using Akka.Actor;

namespace ActorGameServer.Floor;

/// <summary>
/// The alternative to Akka.IO: a plain accept loop that hands each <see cref="Socket"/> to its own
/// <see cref="SocketHandler"/> actor, with no connection actor in between.
/// </summary>
internal sealed class SocketListener(EndPoint endPoint) : UntypedActor
{
    private sealed record Accepted(Socket Socket);

    private readonly Socket _listener = new(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);

    protected override void PreStart()
    {
        try
        {
            _listener.Bind(endPoint);
            _listener.Listen(1000);
        }
        catch (SocketException e)
        {
            Console.Error.WriteLine($"cannot bind {endPoint}: {e.Message}");
            Context.System.Terminate();
            return;
        }

        var self = Self;
        _ = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    var socket = await _listener.AcceptAsync();
                    socket.NoDelay = true;
                    self.Tell(new Accepted(socket));
                }
            }
            catch (Exception e) when (e is ObjectDisposedException or SocketException)
            {
                // The listener was closed in PostStop: stop accepting.
            }
        });
    }

    protected override void PostStop() => _listener.Dispose();

    protected override void OnReceive(object message)
    {
        if (message is Accepted accepted)
        {
            Context.ActorOf(Props.Create(() => new SocketHandler(accepted.Socket)));
        }
        else
        {
            Unhandled(message);
        }
    }
}
