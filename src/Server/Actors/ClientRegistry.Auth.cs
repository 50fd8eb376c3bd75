using Akka.Actor;
using Akka.Cluster;
using Akka.Event;

namespace ActorGameServer.Server.Actors;

/// <summary>
/// The registry's part in <c>auth.single-session</c>, across the whole cluster: it knows which
/// connection of this node holds each signed-in account and since when, and ends the older one
/// when the account signs in again, here or on another node (docs/PROTOCOL.md, "Sign-in").
/// <para>
/// A sign-in here replaces this node's holder of the account at once, and is told to every other
/// Up member's registry as <see cref="AccountSignedIn"/>. A registry that hears of it replaces its
/// own holder only if that one signed in earlier; if its holder is the later one, it answers the
/// sender with that sign-in, which then replaces the sender's. Earlier and later compare
/// (sign-in time, node number), the same on every node: of two sign-ins at once on two nodes,
/// exactly one connection is left, the same one whichever message arrives first.
/// </para>
/// <para>
/// Sign-in times come from a hybrid logical clock: this machine's UTC clock, but always later
/// than any sign-in this registry has seen, from any node. So a sign-in that happens after this
/// node heard of another is later than it, whatever the two machines' clocks say; only between
/// sign-ins on two nodes that had not heard of each other (within a message's flight, or one
/// before the other node joined) do the clocks decide, and a clock that is behind makes its
/// node's sign-in the older one.
/// </para>
/// <para>
/// Costs one message per sign-in to each other node, and nothing when single-session is off or
/// outside a cluster. The connection on another node learns it is replaced after the new one got
/// HELLO_OK (a message's flight later), not before as on one node.
/// </para>
/// </summary>
public sealed partial class ClientRegistry
{
    /// <summary>
    /// The sender (a client actor) signed in as <paramref name="Account"/>; sent only while
    /// single-session is on. Whoever held the account before is replaced, on every node.
    /// </summary>
    public sealed record SignedIn(string Account) : INoSerializationVerificationNeeded;

    /// <summary>
    /// From another node's registry: <paramref name="Account"/> signed in there at
    /// <paramref name="SignedInAt"/> (UTC ticks, of the sign-in clock above) on node number
    /// <paramref name="NodeNumber"/>. This node's holder of the account, if it signed in earlier,
    /// is replaced; if it signed in later, the sender is answered with its sign-in. Crosses nodes
    /// (ClusterMessageSerializer).
    /// </summary>
    public sealed record AccountSignedIn(string Account, long SignedInAt, int NodeNumber);

    /// <summary>The connection holding an account on this node, and when it signed in as it.</summary>
    private readonly record struct AccountHolder(IActorRef Client, long SignedInAt);

    // Created on the first sign-in: a server without single-session never needs them.
    private Dictionary<string, AccountHolder>? _clientsByAccount;
    private Dictionary<IActorRef, string>? _accountsByClient;

    // The latest sign-in time this registry handed out or heard of (the hybrid logical clock).
    private long _latestSignIn;

    private int NodeNumber => _userIds?.NodeNumber ?? 0;

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
        _latestSignIn = Math.Max(DateTime.UtcNow.Ticks, _latestSignIn + 1);
        if (_clientsByAccount.TryGetValue(signedIn.Account, out var older) && !older.Client.Equals(client))
        {
            _log.Info("account {0} signed in again as client {1}; replacing client {2}", signedIn.Account, _clients[client].UserId, _clients.GetValueOrDefault(older.Client)?.UserId);
            Replace(signedIn.Account, older);
        }

        _clientsByAccount[signedIn.Account] = new AccountHolder(client, _latestSignIn);
        _accountsByClient[client] = signedIn.Account;
        TellOtherNodes(new AccountSignedIn(signedIn.Account, _latestSignIn, NodeNumber));
    }

    private void OnAccountSignedIn(AccountSignedIn signedIn)
    {
        _latestSignIn = Math.Max(_latestSignIn, signedIn.SignedInAt);
        if (_clientsByAccount is null || !_clientsByAccount.TryGetValue(signedIn.Account, out var holder))
        {
            return;
        }

        var order = (holder.SignedInAt, NodeNumber).CompareTo((signedIn.SignedInAt, signedIn.NodeNumber));
        if (order < 0)
        {
            _log.Info("account {0} signed in on node {1}; replacing client {2}", signedIn.Account, signedIn.NodeNumber, _clients.GetValueOrDefault(holder.Client)?.UserId);
            Replace(signedIn.Account, holder);
        }
        else if (order > 0)
        {
            // Ours is the later sign-in, and the sender may not know of it (it was sent before that
            // node joined, or crossed this message): its holder is the one to go.
            Sender.Tell(new AccountSignedIn(signedIn.Account, holder.SignedInAt, NodeNumber));
        }
    }

    private void Replace(string account, AccountHolder holder)
    {
        holder.Client.Tell(ClientActor.Replace.Instance);
        _clientsByAccount!.Remove(account);
        _accountsByClient!.Remove(holder.Client);
    }

    /// <summary>Tells every other Up member's registry; nothing outside a cluster (unit tests) or in a cluster of one.</summary>
    private void TellOtherNodes(object message)
    {
        // Not waiting for the node table (ClientRegistry.cs sets _cluster when it first hears of
        // it, maybe half a second after this node took its first players): members are enough here.
        _cluster ??= ((ExtendedActorSystem)Context.System).Provider is ClusterActorRefProvider ? Akka.Cluster.Cluster.Get(Context.System) : null;
        if (_cluster is null)
        {
            return;
        }

        var self = _cluster.SelfAddress;
        foreach (var member in _cluster.State.Members)
        {
            if (member.Status == MemberStatus.Up && !member.Address.Equals(self))
            {
                RegistryOn(member.Address).Tell(message);
            }
        }
    }

    /// <summary>
    /// A signed-in session moved here from another node (ClientRegistry.Move.cs): it holds its
    /// account on this node now, as of its sign-in there; its old node forgot it as it left. Not
    /// told to other nodes: it is the same sign-in, not a new one. A connection here that signed in
    /// as the account meanwhile keeps it (the moving session was replaced by that sign-in anyway).
    /// </summary>
    private void HoldMovedInAccount(IActorRef session, string? account)
    {
        if (!_settings.Auth.SingleSession || account is null)
        {
            return;
        }

        _clientsByAccount ??= new(StringComparer.Ordinal);
        _accountsByClient ??= [];
        if (_clientsByAccount.TryAdd(account, new AccountHolder(session, _latestSignIn)))
        {
            _accountsByClient[session] = account;
        }
    }

    /// <summary>The client stopped or signed in anew: its account is free again, unless another connection took it since.</summary>
    private void ForgetAccountOf(IActorRef client)
    {
        if (_accountsByClient is not null && _accountsByClient.Remove(client, out var account)
            && _clientsByAccount!.TryGetValue(account, out var holder) && holder.Client.Equals(client))
        {
            _clientsByAccount.Remove(account);
        }
    }
}
