using System.Net;
using System.Security.Cryptography.X509Certificates;
using ActorGameServer.Server.Actors;
using ActorGameServer.Server.Configuration;
using ActorGameServer.Server.Diagnostics;
using ActorGameServer.Server.Transports.WebSockets;
using Akka.Actor;
using Akka.Configuration;
using Akka.Event;
using Akka.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using ConfigurationException = ActorGameServer.Server.Configuration.ConfigurationException;

namespace ActorGameServer.Server.Hosting;

/// <summary>
/// The process's one HTTP listener: Kestrel in the same generic host as the actor system. It
/// serves WebSocket players at <c>/ws</c>, the browser playground at <c>/</c>, and the health
/// endpoints <c>/healthz</c> and <c>/readyz</c>, Prometheus metrics at <c>/metrics</c>, and the
/// admin API under <c>/admin/api</c> when an admin token is set.
/// </summary>
internal static class HttpListener
{
    /// <summary>The host with Kestrel and the actor system.</summary>
    public static IHost Build(Config config, GameServerSettings settings)
    {
        // The empty builder: no appsettings, no environment-variable configuration, no default
        // logging; everything comes from HOCON, as for the host without HTTP.
        var certificate = settings.Http.UsesTls ? LoadCertificate(settings.Http) : null;
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { Args = [] });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel => Configure(kestrel, settings.Http, certificate));
        builder.Services.AddRoutingCore();
        builder.Services.AddHealthChecks(); // The checks themselves are registered with the actor system (GameServerHost).
        // GET /metrics: our instruments (GameMetrics) and the runtime's own (GC, thread pool,
        // exceptions: the "System.Runtime" meter of .NET 9 and later), read by OpenTelemetry
        // and written in Prometheus's text format when scraped.
        builder.Services.AddOpenTelemetry()
            // target_info names the service, so a dashboard tells it from others scraped alongside.
            .ConfigureResource(resource => resource.AddService("actor-game-server", serviceVersion: ServerVersion.Current, autoGenerateServiceInstanceId: false))
            .WithMetrics(metrics => metrics
            .AddMeter(GameMetrics.MeterName, "System.Runtime")
            // Every scrape reads the instruments afresh: Prometheus scrapes every few seconds, and
            // the exporter's default 300 ms cache would show a test (or an operator's curl) stale counts.
            .AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0));
        GameServerHost.AddGameServer(builder.Services, builder.Logging, config, settings);

        var app = builder.Build();
        app.UseWebSockets();
        var site = Path.Combine(AppContext.BaseDirectory, "wwwroot");
        if (Directory.Exists(site))
        {
            var files = new PhysicalFileProvider(site);
            app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
            app.UseStaticFiles(new StaticFileOptions { FileProvider = files });
        }

        app.UseRouting();

        // For load balancers and Kubernetes probes (docs/CLUSTER.md): 200 "Healthy" or 503
        // "Unhealthy". /healthz: the process and its actor system are alive (restart it if not).
        // /readyz: it takes players; 503 before it is Up in its cluster and from the moment a stop
        // begins, while its players are still being told SHUTDOWN, so new ones go elsewhere.
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = check => check.Tags.Contains(HealthTags.Live) });
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = check => check.Tags.Contains(HealthTags.Ready) });
        app.MapPrometheusScrapingEndpoint("/metrics");
        if (settings.Admin.Enabled)
        {
            // Off: nothing under /admin exists, so every /admin path is 404. The console page is
            // static and holds no data, so it is served without the token; its API needs it.
            AdminApi.Map(app, settings);
            AdminConsole.Map(app);
        }

        app.Map(WebSocketEndpoint.Path, context =>
        {
            if (!context.RequestServices.GetRequiredService<PlayerReadiness>().IsReady)
            {
                // Kestrel starts with the host, before this node is Up in its cluster; the game
                // port is not even bound yet, so WebSocket players wait too.
                GameMetrics.ConnectionRefused(RefusalReason.NotReady);
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                return Task.CompletedTask;
            }

            var system = context.RequestServices.GetRequiredService<ActorSystem>();
            var registry = context.RequestServices.GetRequiredService<IRequiredActor<ClientRegistry>>().ActorRef;
            return new WebSocketEndpoint(settings, registry, system.Log).HandleAsync(context);
        });
        return app;
    }

    /// <summary>The address Kestrel bound, once started (the real port when the configuration says 0).</summary>
    public static IPEndPoint BoundEndPoint(IHost host, GameServerSettings settings)
    {
        var addresses = host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        var port = new Uri(addresses.First()).Port;
        var endPoint = new IPEndPoint(settings.Http.Host, port);
        var system = host.Services.GetRequiredService<ActorSystem>();
        system.Log.Info("WebSocket players connect to {0}://{1}/ws (HTTP on {1})", settings.Http.WebSocketScheme, endPoint);
        return endPoint;
    }

    private static X509Certificate2 LoadCertificate(HttpSettings http)
    {
        try
        {
            return X509Certificate2.CreateFromPemFile(http.TlsCertificate!, http.TlsKey);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            throw new ConfigurationException(
                $"{GameServerSettings.Section}.http.tls: cannot load the certificate {http.TlsCertificate} with the key {http.TlsKey}: {ServerConfig.OneLine(e.Message)}", e);
        }
    }

    private static void Configure(KestrelServerOptions kestrel, HttpSettings http, X509Certificate2? certificate)
    {
        kestrel.AddServerHeader = false;
        var limits = kestrel.Limits;
        limits.MaxConcurrentConnections = http.MaxConnections;
        limits.MaxConcurrentUpgradedConnections = http.MaxConnections;
        limits.MaxRequestLineSize = http.MaxRequestLineSize;
        limits.MaxRequestHeadersTotalSize = http.MaxRequestHeadersTotalSize;
        limits.MaxRequestHeaderCount = http.MaxRequestHeaderCount;
        limits.RequestHeadersTimeout = http.RequestHeadersTimeout;
        limits.KeepAliveTimeout = http.KeepAliveTimeout;
        limits.MaxRequestBodySize = 0; // Only the admin API's POSTs take a body, and raise this for themselves (AdminApi).
        kestrel.Listen(http.EndPoint, listen =>
        {
            listen.Protocols = HttpProtocols.Http1; // WebSocket over HTTP/1.1 is what every client speaks.
            if (certificate is not null)
            {
                listen.UseHttps(certificate);
            }
        });
    }
}
