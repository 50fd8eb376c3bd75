using ActorGameServer.Server.Configuration;
using Akka.Configuration;

namespace ActorGameServer.Server.Tests.Support;

/// <summary>
/// A TestKit configuration for actor tests that serializes every message sent, as if it crossed
/// nodes, with the server's own bindings (<c>akka.actor.serialize-messages = on</c>). Only
/// messages marked <c>INoSerializationVerificationNeeded</c> (which never leave their node) are
/// spared. A message without a binding reaches the <see cref="RefusingSerializer"/> instead of
/// Akka's JSON fallback: Akka logs the error and drops the message, and the test that waits for
/// it fails.
/// </summary>
public static class SerializeMessages
{
    public static Config Config { get; } = ServerConfig.LoadWith("""
        akka.actor {
          provider = local
          serialize-messages = on
          serializers.refuse-unbound = "ActorGameServer.Server.Tests.Support.RefusingSerializer, ActorGameServer.Server.Tests"
          serialization-bindings {
            "System.Object" = refuse-unbound
            # Akka's own messages that never leave their node but are not marked so: a sharded
            # entity's request to its shard, its parent (whose stop message, RoomActor.Stop, is
            # ours), and ActorSystem.Stop's request to a guardian. JSON turns each into a copy of
            # itself, which is all serialize-messages needs.
            "Akka.Cluster.Sharding.Passivate, Akka.Cluster.Sharding" = json
            "Akka.Dispatch.SysMsg.StopChild, Akka" = json
            # Akka.IO's commands and events, between a ClientActor and its connection actor:
            # always on one node (a connection is its node's socket).
            "Akka.IO.Tcp+Message, Akka" = json
          }
        }
        """);
}
