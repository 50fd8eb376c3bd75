using ActorGameServer.Server.Hosting;
using Akka.Actor;

namespace ActorGameServer.Server.Tests.Support;

/// <summary>What the test process holds right now: open sockets, and actors under a path.</summary>
public static class ProcessProbe
{
    /// <summary>Open socket file descriptors of this process (Linux).</summary>
    public static int OpenSockets() =>
        new DirectoryInfo("/proc/self/fd").EnumerateFileSystemInfos()
            .Count(fd => fd.LinkTarget?.StartsWith("socket:", StringComparison.Ordinal) == true);

    /// <summary>How many actors answer at <paramref name="path"/> (wildcards allowed) within a short window.</summary>
    public static async Task<int> CountActorsAsync(GameServerHost host, string path)
    {
        var inbox = Inbox.Create(host.System);
        host.System.ActorSelection(path).Tell(new Identify(path), inbox.Receiver);
        var count = 0;
        try
        {
            while (true)
            {
                if (await inbox.ReceiveAsync(TimeSpan.FromSeconds(1)) is ActorIdentity { Subject: not null })
                {
                    count++;
                }
            }
        }
        catch (TimeoutException)
        {
            return count;
        }
    }
}
