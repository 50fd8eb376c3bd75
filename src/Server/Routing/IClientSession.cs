using Akka.Actor;

namespace ActorGameServer.Server.Routing;

/// <summary>What a command handler may do with the connection that sent the command.</summary>
public interface IClientSession
{
    long UserId { get; }

    /// <summary>The client's actor, for handlers that ask another actor to reply later.</summary>
    IActorRef Self { get; }

    /// <summary>Queues a complete frame for this client, in order after everything queued before.</summary>
    void Send(byte[] frame);
}
