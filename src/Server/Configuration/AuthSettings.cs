using System.Security.Cryptography;
using System.Text;
using ActorGameServer.Server.Auth;
using Akka.Configuration;
using Microsoft.IdentityModel.Tokens;

namespace ActorGameServer.Server.Configuration;

/// <summary>
/// The <c>game-server.auth</c> section: optional sign-in with a JWT on HELLO. Off unless
/// <c>auth.jwt</c> has a key; then <see cref="Tokens"/> checks the tokens players send.
/// </summary>
public sealed record AuthSettings
{
    /// <summary>An HS256 secret shorter than this is refused at start-up: it could be guessed offline from any token.</summary>
    public const int MinSecretBytes = 32;

    /// <summary>RSA keys below this are refused at start-up.</summary>
    public const int MinRsaKeyBits = 2048;

    public static readonly AuthSettings Off = new() { Required = false, Timeout = TimeSpan.FromSeconds(10), SingleSession = false, Tokens = null };

    /// <summary>Every request but PING, HELLO and RESUME needs a sign-in first; a connection not signed in within <see cref="Timeout"/> is closed.</summary>
    public required bool Required { get; init; }

    public required TimeSpan Timeout { get; init; }

    /// <summary>A second sign-in with the same account ends the first connection (on this node).</summary>
    public required bool SingleSession { get; init; }

    /// <summary>Checks tokens with the configured key; null when sign-in is off (HELLO with a token is then refused).</summary>
    public required TokenValidator? Tokens { get; init; }

    public bool Enabled => Tokens is not null;

    internal static AuthSettings From(Config config, string section)
    {
        string Path(string key) => $"{section}.auth.{key}";
        var issuer = Text(config, "jwt.issuer");
        var audience = Text(config, "jwt.audience");
        var secret = Text(config, "jwt.hs256-secret");
        var publicKeyFile = Text(config, "jwt.rs256-public-key");
        var clockSkew = config.GetTimeSpan("auth.jwt.clock-skew");
        if (clockSkew < TimeSpan.Zero || clockSkew > TimeSpan.FromMinutes(5))
        {
            throw new ConfigurationException($"{Path("jwt.clock-skew")} ({clockSkew}) must be between 0 and 5 minutes");
        }

        TokenValidator? tokens = null;
        if (secret.Length > 0 && publicKeyFile.Length > 0)
        {
            throw new ConfigurationException($"{Path("jwt")}: set hs256-secret or rs256-public-key, not both");
        }

        if (secret.Length > 0 || publicKeyFile.Length > 0)
        {
            if (issuer.Length == 0 || audience.Length == 0)
            {
                throw new ConfigurationException($"{Path("jwt")}: a key is set, so issuer and audience must be set too (tokens are checked against both)");
            }

            (SecurityKey key, string algorithm) = secret.Length > 0
                ? ((SecurityKey)HmacKey(secret, Path("jwt.hs256-secret")), SecurityAlgorithms.HmacSha256)
                : (RsaKey(publicKeyFile, Path("jwt.rs256-public-key")), SecurityAlgorithms.RsaSha256);
            tokens = new TokenValidator(issuer, audience, key, algorithm, clockSkew);
        }
        else if (issuer.Length > 0 || audience.Length > 0)
        {
            throw new ConfigurationException($"{Path("jwt")}: issuer or audience is set but no key; set hs256-secret (or GAME_SERVER_JWT_SECRET) or rs256-public-key");
        }

        var required = config.GetBoolean("auth.required");
        var singleSession = config.GetBoolean("auth.single-session");
        if ((required || singleSession) && tokens is null)
        {
            throw new ConfigurationException(
                $"{(required ? Path("required") : Path("single-session"))} is on, but sign-in is off: set {Path("jwt")} (issuer, audience and a key)");
        }

        var timeout = config.GetTimeSpan("auth.timeout");
        if (timeout <= TimeSpan.Zero)
        {
            throw new ConfigurationException($"{Path("timeout")} ({timeout}) must be greater than zero");
        }

        return new AuthSettings { Required = required, Timeout = timeout, SingleSession = singleSession, Tokens = tokens };
    }

    private static string Text(Config config, string key) => config.GetString($"auth.{key}")?.Trim() ?? "";

    /// <summary>Never puts the secret in the message, only its length.</summary>
    private static SymmetricSecurityKey HmacKey(string secret, string path)
    {
        var bytes = Encoding.UTF8.GetBytes(secret);
        if (bytes.Length < MinSecretBytes)
        {
            throw new ConfigurationException(
                $"{path} (or GAME_SERVER_JWT_SECRET) is {bytes.Length} bytes long; it must be at least {MinSecretBytes} (e.g. openssl rand -hex 32)");
        }

        return new SymmetricSecurityKey(bytes);
    }

    private static RsaSecurityKey RsaKey(string file, string path)
    {
        string pem;
        try
        {
            pem = File.ReadAllText(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigurationException($"{path}: cannot read {file}: {e.Message}", e);
        }

        // The server only needs the public half; a private key here would sit on every node for nothing.
        if (pem.Contains("PRIVATE KEY", StringComparison.Ordinal))
        {
            throw new ConfigurationException($"{path}: {file} holds a private key; give the server only the public key (openssl rsa -in key.pem -pubout)");
        }

        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(pem);
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            rsa.Dispose();
            throw new ConfigurationException($"{path}: {file} is not an RSA public key in PEM (-----BEGIN PUBLIC KEY-----): {ServerConfig.OneLine(e.Message)}", e);
        }

        if (rsa.KeySize < MinRsaKeyBits)
        {
            var bits = rsa.KeySize;
            rsa.Dispose();
            throw new ConfigurationException($"{path}: the key in {file} has {bits} bits; at least {MinRsaKeyBits} are needed");
        }

        return new RsaSecurityKey(rsa); // Kept for the server's life.
    }

    /// <summary>Records print every property; the validator holds the key, so only what is on is shown.</summary>
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Enabled = ").Append(Enabled).Append(", Required = ").Append(Required)
            .Append(", Timeout = ").Append(Timeout).Append(", SingleSession = ").Append(SingleSession);
        return true;
    }
}
