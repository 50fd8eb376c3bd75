using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using ActorGameServer.Server.Auth;
using ActorGameServer.Server.Configuration;
using Microsoft.IdentityModel.Tokens;
using Xunit.Abstractions;

namespace ActorGameServer.Server.Tests.Auth;

/// <summary>Which tokens sign a player in, through the validator the settings build, as a server would.</summary>
public sealed class TokenValidatorTests(ITestOutputHelper output)
{
    private static readonly TokenValidator Hs256Server = Validator(TestTokens.Hs256Hocon());

    [Fact]
    public void A_valid_hs256_token_gives_the_account_and_the_name()
    {
        var signIn = Hs256Server.Validate(TestTokens.Hs256("user-42", "Ada"), out var problem);

        Assert.Null(problem);
        Assert.Equal(new SignIn("user-42", "Ada"), signIn);
        Assert.Equal(new SignIn("user-43", null), Hs256Server.Validate(TestTokens.Hs256("user-43"), out _));
    }

    [Fact]
    public void A_valid_rs256_token_signs_in_against_the_public_key_from_a_pem_file()
    {
        var pem = TestTokens.WritePublicKeyPem(TestTokens.Rsa);
        try
        {
            var server = Validator(RsaHocon(pem));
            Assert.Equal(new SignIn("rsa-user", "Bo"), server.Validate(TestTokens.Rs256("rsa-user", "Bo"), out _));

            using var otherPair = RSA.Create(2048);
            Refused(server, TestTokens.Rs256("rsa-user", rsa: otherPair), "signature");
        }
        finally
        {
            File.Delete(pem);
        }
    }

    [Fact]
    public void An_expired_token_is_refused_beyond_the_clock_skew_and_accepted_within_it()
    {
        Refused(Hs256Server, TestTokens.Hs256("u", change: d => Lifetime(d, -TimeSpan.FromMinutes(20), -TimeSpan.FromMinutes(1))), "expired");
        Assert.NotNull(Hs256Server.Validate(TestTokens.Hs256("u", change: d => Lifetime(d, -TimeSpan.FromMinutes(20), -TimeSpan.FromSeconds(5))), out _)); // 30 s skew
        Refused(Validator(TestTokens.Hs256Hocon("jwt.clock-skew = 0s")), TestTokens.Hs256("u", change: d => Lifetime(d, -TimeSpan.FromMinutes(20), -TimeSpan.FromSeconds(5))), "expired");
    }

    [Fact]
    public void A_token_not_valid_yet_or_without_expiry_is_refused()
    {
        Refused(Hs256Server, TestTokens.Hs256("u", change: d => Lifetime(d, TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(15))), "not valid yet");
        Refused(Hs256Server, TestTokens.Hs256("u", change: d => d.Expires = null), "expiry");
    }

    [Fact]
    public void A_token_for_another_audience_or_from_another_issuer_is_refused()
    {
        Refused(Hs256Server, TestTokens.Hs256("u", change: d => d.Audience = "another-game"), "audience");
        Refused(Hs256Server, TestTokens.Hs256("u", change: d => d.Issuer = "https://evil.test"), "issuer");
    }

    [Fact]
    public void A_token_signed_with_another_key_is_refused()
    {
        var otherKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes("another-secret-another-secret-0123456789"));
        Refused(Hs256Server, TestTokens.Mint("u", null, new SigningCredentials(otherKey, SecurityAlgorithms.HmacSha256)), "signature");
        // Right key, but an algorithm the server is not configured for.
        Refused(Hs256Server, TestTokens.Mint("u", null, new SigningCredentials(TestTokens.SecretKey, SecurityAlgorithms.HmacSha512)), "");
    }

    [Fact]
    public void An_hs256_token_signed_with_the_rsa_public_key_as_its_secret_is_refused()
    {
        var pem = TestTokens.WritePublicKeyPem(TestTokens.Rsa);
        try
        {
            // The classic algorithm confusion: the public key is public, so anyone can "sign" with it.
            var publicKeyAsSecret = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(File.ReadAllText(pem)));
            var forged = TestTokens.Mint("admin", null, new SigningCredentials(publicKeyAsSecret, SecurityAlgorithms.HmacSha256));
            Refused(Validator(RsaHocon(pem)), forged, "");
        }
        finally
        {
            File.Delete(pem);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("a.b.c")]
    [InlineData("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.")] // alg none, unsigned
    public void Garbage_is_refused(string token) => Refused(Hs256Server, token, "");

    [Fact]
    public void A_token_without_sub_or_too_long_is_refused_before_anything_else_is_believed()
    {
        Refused(Hs256Server, TestTokens.Mint(null, "Ada", new SigningCredentials(TestTokens.SecretKey, SecurityAlgorithms.HmacSha256)), "sub");
        Refused(Hs256Server, TestTokens.Hs256(new string('a', TokenValidator.MaxAccountLength + 1)), "sub");
        Refused(Hs256Server, new string('a', TokenValidator.MaxTokenLength + 1), "longer");
    }

    /// <summary>
    /// Why validation runs on the client actor's thread: it is short. Printed, not asserted (a
    /// busy CI machine must not fail it); see docs/PROTOCOL.md, "Sign-in", for the figures.
    /// </summary>
    [Fact]
    public void One_validation_takes_microseconds()
    {
        var pem = TestTokens.WritePublicKeyPem(TestTokens.Rsa);
        try
        {
            var rsaServer = Validator(RsaHocon(pem));
            output.WriteLine($"HS256: {Measure(Hs256Server, TestTokens.Hs256("user-42", "Ada")):0.0} µs per validation");
            output.WriteLine($"RS256 (2048-bit): {Measure(rsaServer, TestTokens.Rs256("user-42", "Ada")):0.0} µs per validation");
        }
        finally
        {
            File.Delete(pem);
        }
    }

    private static double Measure(TokenValidator validator, string token)
    {
        const int Rounds = 2000;
        for (var i = 0; i < 200; i++)
        {
            Assert.NotNull(validator.Validate(token, out _)); // Warm-up.
        }

        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < Rounds; i++)
        {
            validator.Validate(token, out _);
        }

        return Stopwatch.GetElapsedTime(started).TotalMicroseconds / Rounds;
    }

    private static void Refused(TokenValidator validator, string token, string why)
    {
        Assert.Null(validator.Validate(token, out var problem));
        Assert.Contains(why, problem);
        Assert.DoesNotContain(TestTokens.Secret, problem);
    }

    private static void Lifetime(SecurityTokenDescriptor descriptor, TimeSpan notBefore, TimeSpan expires)
    {
        var now = DateTime.UtcNow;
        descriptor.IssuedAt = now + notBefore;
        descriptor.NotBefore = now + notBefore;
        descriptor.Expires = now + expires;
    }

    internal static string RsaHocon(string pemPath) => $$"""
        game-server.auth.jwt { issuer = "{{TestTokens.Issuer}}", audience = "{{TestTokens.Audience}}", rs256-public-key = "{{pemPath}}" }
        """;

    private static TokenValidator Validator(string hocon) =>
        GameServerSettings.From(ServerConfig.LoadWith(hocon)).Auth.Tokens ?? throw new InvalidOperationException("sign-in is off");
}
