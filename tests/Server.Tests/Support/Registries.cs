using ActorGameServer.Server.Actors;
using ActorGameServer.Server.Configuration;
using ActorGameServer.Server.Routing;
using Akka.Actor;
using Akka.TestKit;

namespace ActorGameServer.Server.Tests.Support;

internal static class Registries
{
    /// <summary>
    /// A <see cref="ClientRegistry"/> as the server has it once its node is Up: as the cluster's
    /// first member, so its user ids are 1, 2, 3, and so on.
    /// </summary>
    public static IActorRef StartRegistry(this TestKitBase kit, GameServerSettings settings, CommandRoutes routes, IActorRef roomDirectory)
    {
        var registry = kit.Sys.ActorOf(ClientRegistry.Props(settings, routes, roomDirectory));
        registry.Tell(new ClientRegistry.NodeUp(1));
        return registry;
    }
}
