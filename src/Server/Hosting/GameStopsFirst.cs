using Akka.Actor;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ActorGameServer.Server.Hosting;

/// <summary>
/// Whoever stops the host (SIGTERM, Ctrl+C, a test's StopAsync), the game stops first: Akka's
/// CoordinatedShutdown tells every player SHUTDOWN, closes them and unbinds the game port before
/// any hosted service stops. Otherwise Kestrel, which stops before the actor system, would wait
/// out its whole shutdown timeout for the WebSocket players the actor system has not yet told.
/// </summary>
internal sealed class GameStopsFirst(IServiceProvider services) : IHostedLifecycleService
{
    // Runs before the StopAsync of every hosted service, Kestrel's and Akka.Hosting's included;
    // Akka.Hosting's own stop then finds the shutdown done (CoordinatedShutdown runs once).
    public Task StoppingAsync(CancellationToken cancellationToken)
    {
        services.GetRequiredService<PlayerReadiness>().MarkStopping(); // /readyz says 503 from now on.
        return CoordinatedShutdown.Get(services.GetRequiredService<ActorSystem>()).Run(CoordinatedShutdown.ClrExitReason.Instance);
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
