using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ActorGameServer.Server.Auth;

/// <summary>What a valid token says about the player: its account (<c>sub</c>) and, if any, its <c>name</c> claim.</summary>
public sealed record SignIn(string Account, string? Name);

/// <summary>
/// Checks sign-in tokens (JWT) with Microsoft.IdentityModel.JsonWebTokens: signature with the one
/// configured key and algorithm, issuer, audience, expiry and not-before with the clock skew. One
/// instance for the whole server; it holds no per-token state, so every client actor may use it.
/// </summary>
public sealed class TokenValidator
{
    /// <summary>
    /// A token longer than this is refused before it is parsed: a sign-in token is a few hundred
    /// characters, and a huge one must cost nothing to turn away.
    /// </summary>
    public const int MaxTokenLength = 8 * 1024;

    /// <summary>The account goes into every WHO and JOINED entry of the player: bounded like a name is.</summary>
    public const int MaxAccountLength = 256;

    private readonly JsonWebTokenHandler _handler = new() { MaximumTokenSizeInBytes = MaxTokenLength, MapInboundClaims = false };
    private readonly TokenValidationParameters _parameters;

    public TokenValidator(string issuer, string audience, SecurityKey key, string algorithm, TimeSpan clockSkew)
    {
        _parameters = new TokenValidationParameters
        {
            ValidIssuer = issuer,
            ValidAudience = audience,
            IssuerSigningKey = key,
            // Only the configured algorithm: an HS256 token "signed" with the RSA public key as its
            // secret (the classic algorithm confusion) is refused whatever the key would accept.
            ValidAlgorithms = [algorithm],
            ClockSkew = clockSkew,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ValidateIssuer = true,
            ValidateAudience = true,
            ValidateLifetime = true,
            ValidateIssuerSigningKey = true,
        };
    }

    /// <summary>
    /// The sign-in <paramref name="token"/> grants, or null with why not (for the player: it never
    /// repeats the token or says anything about the key).
    /// <para>
    /// Synchronous, on the client actor's thread: with a fixed key (no metadata or key set to
    /// fetch) the library does no I/O and its task has completed when it returns; one validation
    /// costs tens of microseconds (docs/PROTOCOL.md, "Sign-in"), once per HELLO with a token,
    /// which the rate limit already bounds. Handing it to another thread and back would cost as
    /// much, and the player's later requests would have to wait for the answer in order.
    /// </para>
    /// </summary>
    public SignIn? Validate(string token, out string? problem)
    {
        if (token.Length > MaxTokenLength)
        {
            problem = $"the token is longer than {MaxTokenLength} characters";
            return null;
        }

        var validation = _handler.ValidateTokenAsync(token, _parameters);
        if (!validation.IsCompleted)
        {
            // Not reached with a fixed key; if a future library version ever went asynchronous
            // here, the player is refused rather than the actor's thread blocked.
            problem = "the token could not be checked now; try again";
            return null;
        }

        var result = validation.Result;
        if (!result.IsValid)
        {
            problem = Describe(result.Exception);
            return null;
        }

        var claims = result.ClaimsIdentity;
        var account = claims.FindFirst("sub")?.Value;
        if (string.IsNullOrEmpty(account))
        {
            problem = "the token has no sub claim to sign in with";
            return null;
        }

        if (account.Length > MaxAccountLength || account.Any(char.IsControl))
        {
            problem = $"the token's sub claim must be 1 to {MaxAccountLength} characters without control characters";
            return null;
        }

        problem = null;
        return new SignIn(account, claims.FindFirst("name")?.Value);
    }

    /// <summary>
    /// Why the library refused, in words for the player. Its own messages are not passed on: they
    /// can quote the token's claims and the key's id, and change between versions.
    /// </summary>
    private static string Describe(Exception? refusal) => refusal switch
    {
        SecurityTokenExpiredException => "the token has expired",
        SecurityTokenNotYetValidException => "the token is not valid yet",
        SecurityTokenNoExpirationException => "the token has no expiry (exp)",
        SecurityTokenInvalidAudienceException => "the token is for another audience",
        SecurityTokenInvalidIssuerException => "the token is from another issuer",
        SecurityTokenInvalidAlgorithmException => "the token is signed with an algorithm this server does not accept",
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "the token's signature does not match",
        SecurityTokenMalformedException or ArgumentException => "the token is not a well-formed JWT",
        _ => "the token is not valid",
    };
}
