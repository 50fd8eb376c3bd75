using ActorGameServer.Protocol;
using ActorGameServer.Server.Sessions;
using Akka.Actor;

namespace ActorGameServer.Server.Actors;

/// <summary>The client's part in <c>auth.single-session</c>: being replaced by a newer sign-in with its account.</summary>
public sealed partial class ClientActor
{
    /// <summary>The player's account signed in on another connection: ERROR replaced, then the usual graceful close.</summary>
    public sealed record Replace : INoSerializationVerificationNeeded
    {
        public static readonly Replace Instance = new();
    }

    private void OnReplace() =>
        ((ISessionHost)this).Close(CloseReason.Replaced, new ProtocolError(
            ErrorCode.Replaced, $"account {_session.Player.Account} signed in on another connection; this one closes"));
}
