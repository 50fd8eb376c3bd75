using Akka.Actor;
using Akka.Serialization;

namespace ActorGameServer.Server.Tests.Support;

/// <summary>
/// Bound to <c>System.Object</c> in <see cref="SerializeMessages.Config"/>, in place of Akka's
/// JSON fallback, which would quietly serialize a message that has no binding of its own: here
/// such a message cannot be sent, so a test that sends one fails.
/// </summary>
public sealed class RefusingSerializer(ExtendedActorSystem system) : Serializer(system)
{
    // Unique among the system's serializers; Akka reserves 0-40, the server uses 9300-9301.
    public override int Identifier => 9399;

    public override bool IncludeManifest => false;

    public override byte[] ToBinary(object obj) =>
        throw new NotSupportedException($"{obj.GetType()} has no serializer binding: bind it in hocon/server.hocon, or mark it INoSerializationVerificationNeeded if it never crosses nodes");

    public override object FromBinary(byte[] bytes, Type type) =>
        throw new NotSupportedException($"{type} has no serializer binding");
}
