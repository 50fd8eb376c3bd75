using ActorGameServer.Server.Actors;
using ActorGameServer.Server.Configuration;
using Akka;
using Akka.Actor;
using Akka.Event;

namespace ActorGameServer.Server.Hosting;

/// <summary>
/// Hooks the server into Akka's CoordinatedShutdown, which Akka.Hosting runs when the .NET host
/// stops (SIGTERM, Ctrl+C), and Akka.Cluster runs when the cluster downs this node. First every player, connected or just connecting, is told SHUTDOWN and
/// closed, and nobody new joins; only then is the port unbound. The order matters: in Akka.NET
/// 1.5 accepted connections are children of the TCP listener, so unbinding first would reset
/// every open connection before its SHUTDOWN frame could be read.
/// </summary>
internal static class GracefulShutdown
{
    public static void Register(ActorSystem system, GameServerSettings settings, PlayerReadiness readiness, IActorRef listener, IActorRef registry)
    {
        var shutdown = CoordinatedShutdown.Get(system);

        // Whatever started the stop (SIGTERM marks this before, the cluster downing this node does
        // not): /readyz answers 503 from the first phase on, so load balancers send nobody new.
        shutdown.AddTask(CoordinatedShutdown.PhaseBeforeServiceUnbind, "stop-taking-players", () =>
        {
            readiness.MarkStopping();
            return Task.FromResult(Done.Instance);
        });

        shutdown.AddTask(CoordinatedShutdown.PhaseServiceRequestsDone, "close-game-clients", async () =>
        {
            if (shutdown.ShutdownReason is CoordinatedShutdown.ClusterDowningReason)
            {
                // Not asked to stop: the rest of the cluster went on without this node (it was cut
                // off, paused or too slow for longer than the split-brain resolver waits).
                system.Log.Warning("this node was downed by the cluster; telling its players SHUTDOWN and exiting with code 3");
            }

            var started = DateTime.UtcNow;
            try
            {
                var closed = await registry.Ask<ClientRegistry.AllClientsClosed>(
                    new ClientRegistry.CloseAll(settings.ShutdownReason, settings.ReconnectAfter), settings.ShutdownTimeout);
                system.Log.Info("closed {0} client connection(s) in {1:F0} ms", closed.Closed, (DateTime.UtcNow - started).TotalMilliseconds);
            }
            catch (AskTimeoutException)
            {
                // Exit anyway: the actor system's termination closes whatever sockets are left.
                system.Log.Warning("clients were not all closed within {0}; exiting anyway", settings.ShutdownTimeout);
            }

            return Done.Instance;
        });

        shutdown.AddTask(CoordinatedShutdown.PhaseServiceStop, "unbind-game-port", async () =>
        {
            await listener.Ask<ListenerActor.Unbound>(ListenerActor.Unbind.Instance, settings.ShutdownTimeout);
            return Done.Instance;
        });
    }
}
