using System.Net;
using ActorGameServer.Server.Actors;
using ActorGameServer.Server.Configuration;
using ActorGameServer.Server.Rooms;
using ActorGameServer.Server.Routing;
using Akka.Actor;
using Akka.Configuration;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ActorGameServer.Server.Hosting;

/// <summary>
/// A running game server: the .NET generic host with the actor system inside, bound to its port.
/// <c>Program</c> runs one until SIGTERM; tests start one per fixture on a free port.
/// </summary>
public sealed class GameServerHost : IAsyncDisposable
{
    private static readonly TimeSpan BindTimeout = TimeSpan.FromSeconds(30);

    private readonly IHost _host;

    private GameServerHost(IHost host, GameServerSettings settings, IPEndPoint endPoint)
    {
        _host = host;
        Settings = settings;
        EndPoint = endPoint;
        var actors = host.Services.GetRequiredService<ActorRegistry>();
        System = host.Services.GetRequiredService<ActorSystem>();
        Registry = actors.Get<ClientRegistry>();
    }

    public GameServerSettings Settings { get; }

    /// <summary>The address actually bound (the real port when the configuration says 0).</summary>
    public IPEndPoint EndPoint { get; }

    public ActorSystem System { get; }

    /// <summary>The <see cref="ClientRegistry"/> actor.</summary>
    public IActorRef Registry { get; }

    /// <summary>Starts the host and waits until the port is bound.</summary>
    /// <exception cref="ConfigurationException">The configuration is invalid.</exception>
    /// <exception cref="BindFailedException">The port could not be bound.</exception>
    public static async Task<GameServerHost> StartAsync(Config config, CancellationToken cancellationToken = default)
    {
        var settings = GameServerSettings.From(config);
        var host = Build(config, settings);
        await host.StartAsync(cancellationToken);

        var listener = host.Services.GetRequiredService<ActorRegistry>().Get<ListenerActor>();
        var binding = await listener.Ask<object>(ListenerActor.GetBinding.Instance, BindTimeout, cancellationToken);
        if (binding is ListenerActor.Bound { LocalAddress: IPEndPoint endPoint })
        {
            return new GameServerHost(host, settings, endPoint);
        }

        await host.StopAsync(CancellationToken.None);
        host.Dispose();
        var reason = binding is ListenerActor.BindFailed failed ? failed.Reason : $"unexpected reply {binding}";
        throw new BindFailedException($"cannot listen on {settings.EndPoint}: {reason}");
    }

    /// <summary>Completes when the host is asked to stop (SIGTERM, Ctrl+C) and has stopped.</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _host.WaitForShutdownAsync(cancellationToken);

    /// <summary>Stops the server the same way SIGTERM does: unbind, tell clients, close, terminate.</summary>
    public Task StopAsync(CancellationToken cancellationToken = default) => _host.StopAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync(CancellationToken.None);
        _host.Dispose();
    }

    private static IHost Build(Config config, GameServerSettings settings)
    {
        // Args are parsed by Program; the host gets none so it does not reinterpret them. All
        // settings come from HOCON, so the host's defaults are off: they would read appsettings
        // files and watch the working directory for changes to them, recursively, which costs an
        // inotify watch per subdirectory wherever the server is started from.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], DisableDefaults = true });
        // The server logs through Akka's logger (one line per event, level from akka.loglevel);
        // the host itself only has something to say when it goes wrong.
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddSimpleConsole(console => console.SingleLine = true);

        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = settings.ShutdownTimeout + TimeSpan.FromSeconds(10));
        builder.Services.AddAkka("game-server", akka =>
        {
            akka.AddHocon(config, HoconAddMode.Prepend)
                .WithActors((system, registry) =>
                {
                    var rooms = system.ActorOf(RoomDirectory.Props(settings.Rooms), "rooms");
                    var clients = system.ActorOf(ClientRegistry.Props(settings, CommandRoutes.Default, rooms), "clients");
                    var listener = system.ActorOf(ListenerActor.Props(settings, clients), "listener");
                    registry.Register<ClientRegistry>(clients);
                    registry.Register<ListenerActor>(listener);
                    GracefulShutdown.Register(system, settings, listener, clients);
                });
        });
        return builder.Build();
    }
}
