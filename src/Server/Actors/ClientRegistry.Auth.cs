using Akka.Actor;
using Akka.Event;

namespace ActorGameServer.Server.Actors;

/// <summary>
/// The registry's part in <c>auth.single-session</c>: it knows which connection holds each
/// signed-in account, and ends the older one when the account signs in again. Per node: a
/// sign-in on another node of the cluster is not seen here (docs/PROTOCOL.md, "Sign-in").
/// </summary>
public sealed partial class ClientRegistry
{
    /// <summary>
    /// The sender (a client actor) signed in as <paramref name="Account"/>; sent only while
    /// single-session is on. Whoever held the account before is replaced.
    /// </summary>
    public sealed record SignedIn(string Account) : INoSerializationVerificationNeeded;

    // Created on the first sign-in: a server without single-session never needs them.
    private Dictionary<string, IActorRef>? _clientsByAccount;
    private Dictionary<IActorRef, string>? _accountsByClient;

    private void OnSignedIn(SignedIn signedIn)
    {
        var client = Sender;
        if (!_clients.ContainsKey(client))
        {
            return; // Stopped meanwhile.
        }

        _clientsByAccount ??= new(StringComparer.Ordinal);
        _accountsByClient ??= [];
        ForgetAccountOf(client); // Signing in again, maybe as another account.
        if (_clientsByAccount.TryGetValue(signedIn.Account, out var older) && !older.Equals(client))
        {
            _log.Info("account {0} signed in again as client {1}; replacing client {2}", signedIn.Account, _clients[client].UserId, _clients.GetValueOrDefault(older)?.UserId);
            older.Tell(ClientActor.Replace.Instance);
            _accountsByClient.Remove(older);
        }

        _clientsByAccount[signedIn.Account] = client;
        _accountsByClient[client] = signedIn.Account;
    }

    /// <summary>The client stopped or signed in anew: its account is free again, unless another connection took it since.</summary>
    private void ForgetAccountOf(IActorRef client)
    {
        if (_accountsByClient is not null && _accountsByClient.Remove(client, out var account)
            && _clientsByAccount!.TryGetValue(account, out var holder) && holder.Equals(client))
        {
            _clientsByAccount.Remove(account);
        }
    }
}
