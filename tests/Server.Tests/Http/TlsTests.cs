using System.Net.Security;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ActorGameServer.Server.Tests.Hosting;
using ActorGameServer.Server.Tests.Support;

namespace ActorGameServer.Server.Tests.Http;

/// <summary>PEM files in game-server.http.tls make the listener wss://, which pages served over https need.</summary>
public sealed class TlsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ags-tls-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task With_a_certificate_and_key_players_connect_over_wss()
    {
        var (certificateFile, keyFile, certificate) = SelfSigned();
        await using var server = await TestServer.StartAsync($$"""
            game-server.http.tls { certificate = "{{certificateFile}}", key = "{{keyFile}}" }
            """);

        using var socket = new ClientWebSocket();
        // Trust exactly the certificate this test made, nothing else.
        socket.Options.RemoteCertificateValidationCallback = (_, presented, _, errors) =>
            presented is not null && presented.GetCertHashString() == certificate.GetCertHashString() && errors == SslPolicyErrors.RemoteCertificateChainErrors;
        await socket.ConnectAsync(new Uri($"wss://127.0.0.1:{server.HttpEndPoint.Port}/ws"), CancellationToken.None);

        Assert.Contains("WELCOME", await HttpListenerTests.ReceiveTextAsync(socket));
        await socket.SendAsync("""{"cmd":"PING","message":"over tls"}"""u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);
        Assert.Equal("""{"cmd":"PONG","message":"over tls"}""", await HttpListenerTests.ReceiveTextAsync(socket));
    }

    [Fact]
    public async Task A_certificate_that_cannot_be_loaded_stops_start_up_with_a_clear_configuration_error()
    {
        var missing = Path.Combine(_directory, "missing.pem");

        var error = await Assert.ThrowsAsync<Configuration.ConfigurationException>(() => TestServer.StartAsync($$"""
            game-server.http.tls { certificate = "{{missing}}", key = "{{missing}}" }
            """));

        Assert.Contains("game-server.http.tls", error.Message);
        Assert.Contains(missing, error.Message);
    }

    private (string CertificateFile, string KeyFile, X509Certificate2 Certificate) SelfSigned()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));

        var certificateFile = Path.Combine(_directory, "server.crt");
        var keyFile = Path.Combine(_directory, "server.key");
        File.WriteAllText(certificateFile, certificate.ExportCertificatePem());
        File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem());
        return (certificateFile, keyFile, certificate);
    }
}
