using System.Net;
using ActorGameServer.Server.Actors;
using ActorGameServer.Server.Configuration;
using ActorGameServer.Server.Diagnostics;
using ActorGameServer.Server.Rooms;
using ActorGameServer.Server.Routing;
using Akka.Actor;
using Akka.Configuration;
using Akka.Event;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace ActorGameServer.Server.Hosting;

/// <summary>
/// A running game server: the .NET generic host with the actor system inside, bound to its port.
/// <c>Program</c> runs one until SIGTERM; tests start one per fixture on a free port.
/// </summary>
public sealed class GameServerHost : IAsyncDisposable
{
    private readonly IHost _host;

    private GameServerHost(IHost host, GameServerSettings settings, IPEndPoint endPoint, IPEndPoint? httpEndPoint)
    {
        _host = host;
        Settings = settings;
        EndPoint = endPoint;
        HttpEndPoint = httpEndPoint;
        var actors = host.Services.GetRequiredService<ActorRegistry>();
        System = host.Services.GetRequiredService<ActorSystem>();
        Registry = actors.Get<ClientRegistry>();
    }

    public GameServerSettings Settings { get; }

    /// <summary>The address actually bound (the real port when the configuration says 0).</summary>
    public IPEndPoint EndPoint { get; }

    /// <summary>The HTTP listener's address (the real port when the configuration says 0); null when HTTP is off.</summary>
    public IPEndPoint? HttpEndPoint { get; }

    public ActorSystem System { get; }

    /// <summary>The <see cref="ClientRegistry"/> actor.</summary>
    public IActorRef Registry { get; }

    /// <summary>Starts the host and waits until this node is Up in its cluster and the port is bound.</summary>
    /// <exception cref="ConfigurationException">The configuration is invalid.</exception>
    /// <exception cref="BindFailedException">The port could not be bound.</exception>
    public static async Task<GameServerHost> StartAsync(Config config, CancellationToken cancellationToken = default)
    {
        var settings = GameServerSettings.From(config);
        var host = settings.Http.Enabled ? HttpListener.Build(config, settings) : Build(config, settings);
        try
        {
            await host.StartAsync(cancellationToken);
        }
        catch (IOException e) when (settings.Http.Enabled)
        {
            // Kestrel could not bind the HTTP port (in use, or no such address).
            await host.StopAsync(CancellationToken.None);
            host.Dispose();
            throw new BindFailedException($"cannot listen for HTTP on {settings.Http.EndPoint}: {e.Message}");
        }

        // The listener binds once this node is Up in its cluster (ClusterMembership): at once for a
        // cluster of one, and for several nodes whenever a seed node answers, which has no bound.
        var listener = host.Services.GetRequiredService<ActorRegistry>().Get<ListenerActor>();
        var system = host.Services.GetRequiredService<ActorSystem>();
        var asking = listener.Ask<object>(ListenerActor.GetBinding.Instance, cancellationToken);
        await Task.WhenAny(asking, system.WhenTerminated).WaitAsync(cancellationToken);
        var binding = asking.IsCompletedSuccessfully ? asking.Result : new ListenerActor.BindFailed("the server stopped before it was ready for players");
        if (binding is ListenerActor.Bound { LocalAddress: IPEndPoint endPoint })
        {
            var httpEndPoint = settings.Http.Enabled ? HttpListener.BoundEndPoint(host, settings) : null;
            return new GameServerHost(host, settings, endPoint, httpEndPoint);
        }

        await host.StopAsync(CancellationToken.None);
        host.Dispose();
        var reason = binding is ListenerActor.BindFailed failed ? failed.Reason : $"unexpected reply {binding}";
        throw new BindFailedException($"cannot listen on {settings.EndPoint}: {reason}");
    }

    /// <summary>
    /// Whether the server stopped because the cluster downed this node (the split-brain resolver
    /// on the side that went on, or an operator): Akka then runs the same CoordinatedShutdown as
    /// SIGTERM and terminates the actor system, and Akka.Hosting stops the host with it.
    /// </summary>
    public bool WasDowned => CoordinatedShutdown.Get(System).ShutdownReason is CoordinatedShutdown.ClusterDowningReason;

    /// <summary>Completes when the host is asked to stop (SIGTERM, Ctrl+C), or the actor system terminates, and has stopped.</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _host.WaitForShutdownAsync(cancellationToken);

    /// <summary>Stops the server the same way SIGTERM does: unbind, tell clients, close, terminate.</summary>
    public Task StopAsync(CancellationToken cancellationToken = default) => _host.StopAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync(CancellationToken.None);
        _host.Dispose();
    }

    /// <summary>The host without HTTP (<c>game-server.http.port = off</c>): the actor system alone.</summary>
    private static IHost Build(Config config, GameServerSettings settings)
    {
        // Args are parsed by Program; the host gets none so it does not reinterpret them. All
        // settings come from HOCON, so the host's defaults are off: they would read appsettings
        // files and watch the working directory for changes to them, recursively, which costs an
        // inotify watch per subdirectory wherever the server is started from.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], DisableDefaults = true });
        AddGameServer(builder.Services, builder.Logging, config, settings);
        return builder.Build();
    }

    /// <summary>What every host has, with or without HTTP: logging, shutdown timing, and the actor system.</summary>
    internal static void AddGameServer(IServiceCollection services, ILoggingBuilder logging, Config config, GameServerSettings settings)
    {
        // The server logs through Akka's logger (one line per event, level from akka.loglevel);
        // the host itself only has something to say when it goes wrong. In JSON mode both write
        // the same JSON lines (game-server.log-format).
        logging.ClearProviders();
        logging.SetMinimumLevel(LogLevel.Warning);
        if (settings.LogFormat == LogFormat.Json)
        {
            logging.AddProvider(new JsonConsoleLoggerProvider());
        }
        else
        {
            logging.AddSimpleConsole(console => console.SingleLine = true);
        }

        services.Configure<HostOptions>(host => host.ShutdownTimeout = settings.ShutdownTimeout + TimeSpan.FromSeconds(10));
        services.AddHostedService<GameStopsFirst>();
        var readiness = new PlayerReadiness();
        services.AddSingleton(readiness);
        services.AddAkka("game-server", akka =>
        {
            // /healthz: the actor system runs (Akka.Hosting's own check). /readyz: this node takes
            // players (Up in its cluster, not stopping). HttpListener maps both.
            akka.WithActorSystemLivenessCheck(tags: [HealthTags.Live]);
            akka.WithHealthCheck("game-server-ready", (_, _, _) => Task.FromResult(readiness.NotReadyBecause is { } why
                ? HealthCheckResult.Unhealthy(why)
                : HealthCheckResult.Healthy("taking players")), tags: [HealthTags.Ready]);
            var logFormat = settings.LogFormat == LogFormat.Json ? JsonLogger.AkkaConfig : Config.Empty;
            akka.AddHocon(logFormat.WithFallback(settings.Cluster.ToAkkaConfig()).WithFallback(config), HoconAddMode.Prepend)
                .WithActors((system, registry) =>
                {
                    // The directory and the shard region each need the other: the region is started
                    // right after, before any player can be admitted, and the directory asks for it
                    // only when a JOIN or WHO first needs it.
                    IActorRef? region = null;
                    var rooms = system.ActorOf(RoomDirectory.Props(settings.Rooms, () => region!), RoomDirectory.Name);
                    region = RoomSharding.Start(system, settings.Rooms, rooms);
                    var clients = system.ActorOf(ClientRegistry.Props(settings, CommandRoutes.Default, rooms), "clients");
                    var listener = system.ActorOf(ListenerActor.Props(settings, clients), "listener");
                    registry.Register<ClientRegistry>(clients);
                    registry.Register<ListenerActor>(listener);
                    registry.Register<RoomDirectory>(rooms);
                    GracefulShutdown.Register(system, settings, readiness, listener, clients);
                    ClusterMembership.Join(system, settings.Cluster, readiness, clients, listener);
                    StageTimings.ReportEvery(TimeSpan.FromSeconds(5), system.Log);
                    if (settings.Admin.Enabled && !settings.Http.Enabled)
                    {
                        // A warning, not an error: nodes of one cluster often share their environment, and
                        // the admin API of any node with HTTP still lists, kicks and tells this node's players.
                        system.Log.Warning("game-server.admin.token is set but game-server.http.port is off: this node serves no admin API");
                    }
                });
        });
    }
}
