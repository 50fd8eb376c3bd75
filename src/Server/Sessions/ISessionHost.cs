using ActorGameServer.Protocol;
using ActorGameServer.Server.Diagnostics;
using Akka.Actor;

namespace ActorGameServer.Server.Sessions;

/// <summary>What a <see cref="PlayerSession"/> needs from the actor that runs it.</summary>
public interface ISessionHost
{
    /// <summary>The actor; messages the session sends carry it as their sender, and rooms reply to it.</summary>
    IActorRef Self { get; }

    /// <summary>The <c>ClientRegistry</c>, which knows every player by user id.</summary>
    IActorRef Registry { get; }

    /// <summary>How log lines name this player: "client 7 from 127.0.0.1:5000 (tcp)" in text, its fields in JSON.</summary>
    ClientIdentity Who { get; }

    /// <summary>Queue a frame for the player, in order after everything queued before.</summary>
    void Send(EncodedFrame frame);

    /// <summary>
    /// Read nothing more from the connection for <paramref name="duration"/> (the player is over
    /// its rate budget); frames already read still arrive. While a pause is on, another changes nothing.
    /// </summary>
    void PauseReading(TimeSpan duration);

    /// <summary>Send <paramref name="error"/> as the last frame, flush, and close the connection.</summary>
    void Close(CloseReason reason, ProtocolError error);

    /// <summary>RESUME: ask the registry for the session <paramref name="token"/> names; read nothing more until it answers.</summary>
    void RequestResume(string token, RawJson? id);

    /// <summary>BYE: close the connection gracefully and end the session at once (no resume).</summary>
    void Bye();
}
