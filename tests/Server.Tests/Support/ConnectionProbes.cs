using Akka.IO;
using Akka.TestKit;

namespace ActorGameServer.Server.Tests.Support;

public static class ConnectionProbes
{
    /// <summary>
    /// A probe standing in for Akka.IO's connection actor, deaf to <c>Tcp.ResumeReading</c>: the
    /// listener binds in pull mode, so a client actor asks for every read, and tests about what it
    /// writes and closes would otherwise have to step over each request. Tests about reading
    /// itself use a plain probe.
    /// </summary>
    public static TestProbe CreateConnectionProbe(this TestKitBase testKit)
    {
        var probe = testKit.CreateTestProbe();
        probe.IgnoreMessages(message => message is Tcp.ResumeReading);
        return probe;
    }
}
