using System.Buffers;
using System.Net.Sockets;
using Akka.Actor;

namespace ActorGameServer.Floor;

/// <summary>
/// A player actor that owns its socket. It waits for data with a zero-byte receive, so an idle
/// connection holds no receive buffer; one is rented only while bytes are read. Like
/// <see cref="AkkaIoHandler"/>, it sends WELCOME and answers every PING with its PONG.
/// </summary>
internal sealed class SocketHandler(Socket socket) : UntypedActor
{
    private sealed record Received(byte[] Bytes);

    private sealed class Closed
    {
        public static readonly Closed Instance = new();
    }

    protected override void PreStart()
    {
        SendOrStop(FloorFrames.Welcome);
        _ = ReadAsync(socket, Self);
    }

    protected override void PostStop() => socket.Dispose();

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case Received received:
                FloorFrames.PingToPong(received.Bytes);
                SendOrStop(received.Bytes);
                break;
            case Closed:
                Context.Stop(Self);
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    /// <summary>A blocking send: enough for replies of a few dozen bytes; a failed one ends the connection.</summary>
    private void SendOrStop(byte[] frame)
    {
        try
        {
            socket.Send(frame);
        }
        catch (SocketException)
        {
            Context.Stop(Self);
        }
    }

    private static async Task ReadAsync(Socket socket, IActorRef self)
    {
        try
        {
            while (true)
            {
                await socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None);
                var buffer = ArrayPool<byte>.Shared.Rent(2048);
                var read = socket.Receive(buffer);
                var bytes = buffer.AsSpan(0, read).ToArray();
                ArrayPool<byte>.Shared.Return(buffer);
                if (read == 0)
                {
                    break;
                }

                self.Tell(new Received(bytes));
            }
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }

        self.Tell(Closed.Instance);
    }
}
