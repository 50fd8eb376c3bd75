using ActorGameServer.Server.Configuration;

namespace ActorGameServer.Server.Tests.Auth;

/// <summary>game-server.auth: off by default, and every combination that cannot work fails start-up with a clear message that never holds the secret.</summary>
public sealed class AuthSettingsTests
{
    [Fact]
    public void Sign_in_is_off_by_default()
    {
        var auth = GameServerSettings.From(ServerConfig.Load(null, _ => null)).Auth;

        Assert.False(auth.Enabled);
        Assert.False(auth.Required);
        Assert.False(auth.SingleSession);
        Assert.Equal(TimeSpan.FromSeconds(10), auth.Timeout);
    }

    [Fact]
    public void The_secret_can_come_from_GAME_SERVER_JWT_SECRET_and_is_never_printed()
    {
        var config = ServerConfig.Load(null, name => name == "GAME_SERVER_JWT_SECRET" ? TestTokens.Secret : null);
        var settings = GameServerSettings.From(Akka.Configuration.ConfigurationFactory.ParseString($$"""
            game-server.auth.jwt { issuer = "{{TestTokens.Issuer}}", audience = "{{TestTokens.Audience}}" }
            """).WithFallback(config));

        Assert.True(settings.Auth.Enabled);
        Assert.NotNull(settings.Auth.Tokens!.Validate(TestTokens.Hs256("env-user"), out _));
        Assert.DoesNotContain(TestTokens.Secret, settings.ToString());
    }

    [Theory]
    [InlineData("jwt { issuer = i, audience = a, hs256-secret = too-short-secret }", "at least 32")]
    [InlineData("jwt { hs256-secret = \"0123456789abcdef0123456789abcdef\" }", "issuer and audience")]
    [InlineData("jwt { issuer = i, audience = a }", "no key")]
    [InlineData("jwt { issuer = i, audience = a, hs256-secret = \"0123456789abcdef0123456789abcdef\", rs256-public-key = /k.pem }", "not both")]
    [InlineData("jwt { issuer = i, audience = a, rs256-public-key = /no/such/key.pem }", "cannot read")]
    [InlineData("required = on", "sign-in is off")]
    [InlineData("single-session = on", "sign-in is off")]
    [InlineData("jwt.clock-skew = 1h", "between 0 and 5 minutes")]
    public void Settings_that_cannot_work_fail_start_up(string auth, string expected)
    {
        var error = Assert.Throws<ConfigurationException>(() => GameServerSettings.From(ServerConfig.LoadWith($"game-server.auth {{ {auth} }}")));

        Assert.Contains(expected, error.Message);
        Assert.Contains("game-server.auth", error.Message);
        Assert.DoesNotContain("too-short-secret", error.Message);
    }

    [Fact]
    public void A_private_key_or_a_small_key_is_refused_as_the_public_key()
    {
        using var rsa = System.Security.Cryptography.RSA.Create(2048);
        using var small = System.Security.Cryptography.RSA.Create(1024);
        var privateFile = Path.GetTempFileName();
        var smallFile = TestTokens.WritePublicKeyPem(small);
        try
        {
            File.WriteAllText(privateFile, rsa.ExportRSAPrivateKeyPem());
            Assert.Contains("private key", Refusal(privateFile));
            Assert.Contains("1024 bits", Refusal(smallFile));
            File.WriteAllText(privateFile, "not a key");
            Assert.Contains("not an RSA public key", Refusal(privateFile));
        }
        finally
        {
            File.Delete(privateFile);
            File.Delete(smallFile);
        }

        static string Refusal(string file) => Assert.Throws<ConfigurationException>(
            () => GameServerSettings.From(ServerConfig.LoadWith(TokenValidatorTests.RsaHocon(file)))).Message;
    }
}
