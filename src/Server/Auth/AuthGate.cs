using ActorGameServer.Protocol;

namespace ActorGameServer.Server.Auth;

/// <summary>The rules of <c>auth.required</c>: what a player may send before signing in, and for how long.</summary>
internal static class AuthGate
{
    /// <summary>PING keeps the connection alive, HELLO signs in, RESUME returns to a session that signed in before.</summary>
    public static bool AllowedBeforeSignIn(string cmd) => cmd is Commands.Ping or Commands.Hello or Commands.Resume;

    public static ProtocolError NotSignedIn(string cmd) =>
        new(ErrorCode.Unauthenticated, $"sign in first: {cmd} needs HELLO with a valid token on this server");

    /// <summary>
    /// The error that ends a connection not signed in within <paramref name="timeout"/> of
    /// <paramref name="connectedAt"/>, or null while it still has time. Checked by the registry's
    /// periodic sweep, so a connection holds no timer of its own for it.
    /// </summary>
    public static ProtocolError? SignInOverdue(DateTimeOffset connectedAt, TimeSpan timeout) =>
        DateTimeOffset.UtcNow - connectedAt < timeout
            ? null
            : new ProtocolError(ErrorCode.Unauthenticated, $"not signed in within {timeout.TotalSeconds:0.#} s; send HELLO with a valid token right after connecting");
}
