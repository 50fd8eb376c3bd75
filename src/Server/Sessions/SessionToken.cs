using System.Buffers.Binary;
using System.Security.Cryptography;

namespace ActorGameServer.Server.Sessions;

/// <summary>
/// The token a player resumes its session with: its user id (8 bytes, little-endian) then 32
/// random bytes, base64url. The user id is not secret: it says which node holds the session
/// (<c>UserIds</c>), so a RESUME reaching another node can be routed there, as DIRECT is. Only
/// the random part proves anything; the server keeps its SHA-256, never the token, and compares
/// in constant time.
/// </summary>
public static class SessionToken
{
    private const int SecretBytes = 32;
    private const int TokenBytes = sizeof(long) + SecretBytes;

    /// <summary>A fresh token for <paramref name="userId"/>, and the hash to check it against later.</summary>
    public static (string Token, byte[] Hash) Create(long userId)
    {
        Span<byte> raw = stackalloc byte[TokenBytes];
        BinaryPrimitives.WriteInt64LittleEndian(raw, userId);
        RandomNumberGenerator.Fill(raw[sizeof(long)..]);
        return (Base64Url(raw), SHA256.HashData(raw[sizeof(long)..]));
    }

    /// <summary>Reads the user id and the hash of the secret out of a token; false when it is not one.</summary>
    public static bool TryParse(string token, out long userId, out byte[] hash)
    {
        userId = 0;
        hash = [];
        if (token.Length > 64)
        {
            return false;
        }

        Span<byte> raw = stackalloc byte[48];
        var base64 = token.Replace('-', '+').Replace('_', '/');
        base64 += (base64.Length % 4) switch { 2 => "==", 3 => "=", _ => "" };
        if (!Convert.TryFromBase64String(base64, raw, out var written) || written != TokenBytes)
        {
            return false;
        }

        userId = BinaryPrimitives.ReadInt64LittleEndian(raw);
        hash = SHA256.HashData(raw[sizeof(long)..TokenBytes]);
        return true;
    }

    /// <summary>Whether two hashes are equal, in time that does not depend on where they differ.</summary>
    public static bool Matches(byte[] expected, byte[] actual) => CryptographicOperations.FixedTimeEquals(expected, actual);

    private static string Base64Url(ReadOnlySpan<byte> bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
