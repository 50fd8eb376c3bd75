using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ActorGameServer.Server.Tests.Auth;

/// <summary>
/// Mints sign-in tokens as a login service would, with the same library the server checks them
/// with, from a test secret and an RSA key pair made for the run (nothing secret in the repository).
/// </summary>
public static class TestTokens
{
    public const string Issuer = "https://login.test";
    public const string Audience = "actor-game-server";
    public const string Secret = "test-secret-test-secret-test-secret-test-secret-test-secret-0123"; // 64 bytes: enough to mint HS512 with it too.

    /// <summary>HOCON for a server that accepts HS256 tokens signed with <see cref="Secret"/>.</summary>
    public static string Hs256Hocon(string extra = "") => $$"""
        game-server.auth { jwt { issuer = "{{Issuer}}", audience = "{{Audience}}", hs256-secret = "{{Secret}}" }
        {{extra}} }
        """;

    public static SecurityKey SecretKey { get; } = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(Secret));

    /// <summary>A fresh 2048-bit key pair per test run.</summary>
    public static RSA Rsa { get; } = RSA.Create(2048);

    /// <summary>The public half, as the PEM file a server is configured with; deleted by the caller.</summary>
    public static string WritePublicKeyPem(RSA rsa)
    {
        var path = Path.Combine(Path.GetTempPath(), $"jwt-public-{Guid.NewGuid():N}.pem");
        File.WriteAllText(path, rsa.ExportSubjectPublicKeyInfoPem());
        return path;
    }

    public static string Hs256(string sub, string? name = null, Action<SecurityTokenDescriptor>? change = null) =>
        Mint(sub, name, new SigningCredentials(SecretKey, SecurityAlgorithms.HmacSha256), change);

    public static string Rs256(string sub, string? name = null, RSA? rsa = null, Action<SecurityTokenDescriptor>? change = null) =>
        Mint(sub, name, new SigningCredentials(new RsaSecurityKey(rsa ?? Rsa), SecurityAlgorithms.RsaSha256), change);

    public static string Mint(string? sub, string? name, SigningCredentials credentials, Action<SecurityTokenDescriptor>? change = null)
    {
        var claims = new Dictionary<string, object>();
        if (sub is not null)
        {
            claims["sub"] = sub;
        }

        if (name is not null)
        {
            claims["name"] = name;
        }

        var now = DateTime.UtcNow;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            Claims = claims,
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(10),
            SigningCredentials = credentials,
        };
        change?.Invoke(descriptor);
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }
}
