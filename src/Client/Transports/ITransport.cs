using ActorGameServer.Protocol;

namespace ActorGameServer.Client.Transports;

/// <summary>
/// How envelopes travel between <see cref="GameClient"/> and the server: the transport owns the
/// socket and the framing, the client owns ids, replies and pushes. One send and one receive may
/// be in flight at a time (GameClient serialises its sends).
/// </summary>
internal interface ITransport : IAsyncDisposable
{
    /// <summary>Sends one envelope, <paramref name="json"/> being its UTF-8 JSON.</summary>
    ValueTask SendAsync(ReadOnlyMemory<byte> json, CancellationToken cancellationToken);

    /// <summary>
    /// The next envelope the server sent, or null when the server ended the connection in an
    /// orderly way. A broken or oversized frame throws <see cref="InvalidDataException"/>.
    /// </summary>
    ValueTask<Envelope?> ReceiveAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Tells the server this side is done, if the transport has a way to. True when the server
    /// will answer by ending the connection, so <see cref="ReceiveAsync"/> is worth waiting for.
    /// </summary>
    ValueTask<bool> SayGoodbyeAsync(CancellationToken cancellationToken);

    /// <summary>Ends the connection at once, without a goodbye; a send in flight fails.</summary>
    void Abort();
}
