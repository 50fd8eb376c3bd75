using ActorGameServer.Protocol;
using ActorGameServer.Server.Configuration;
using Akka.Actor;
using Envelope = ActorGameServer.Protocol.Envelope;

namespace ActorGameServer.Server.Routing;

/// <summary>What a command handler may see and do for the connection that sent the command.</summary>
public interface IClientSession
{
    /// <summary>The player as others see them; the name changes with HELLO.</summary>
    PlayerInfo Player { get; set; }

    GameServerSettings Settings { get; }

    /// <summary>
    /// The rooms this player is in, by name, with the room's actor; null while the JOIN is on its
    /// way (requests about the room wait until then: <see cref="DeferUntilJoinAnswered"/>).
    /// </summary>
    IDictionary<string, IActorRef?> Rooms { get; }

    /// <summary>The client's actor; messages a handler sends carry it as their sender.</summary>
    IActorRef Self { get; }

    /// <summary>The <c>ClientRegistry</c>, which knows every player by user id.</summary>
    IActorRef Registry { get; }

    /// <summary>The <c>RoomDirectory</c>, which finds rooms by name.</summary>
    IActorRef RoomDirectory { get; }

    /// <summary>Queues a complete frame for this client, in order after everything queued before.</summary>
    void Send(EncodedFrame frame);

    /// <summary>
    /// Holds <paramref name="request"/> until the room answers this player's pending JOIN of
    /// <paramref name="room"/>, then dispatches it again, in the order the requests arrived.
    /// </summary>
    void DeferUntilJoinAnswered(string room, Envelope request);

    /// <summary>True while the request being handled is the first on this connection (RESUME must be).</summary>
    bool IsFirstRequest { get; }

    /// <summary>RESUME: hand this connection to the session <paramref name="token"/> names, if it waits for one.</summary>
    void Resume(string token, RawJson? id);

    /// <summary>BYE: the player leaves on purpose; the session ends with the connection.</summary>
    void Bye();
}
