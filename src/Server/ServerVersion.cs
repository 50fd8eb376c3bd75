using System.Reflection;

namespace ActorGameServer.Server;

/// <summary>The version clients see in WELCOME, taken from the assembly so there is one source of truth.</summary>
public static class ServerVersion
{
    public static readonly string Current = Read();

    private static string Read()
    {
        var informational = typeof(ServerVersion).Assembly
            .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        // Drop the "+commit" suffix the SDK appends: clients compare versions, not builds.
        var plus = informational.IndexOf('+');
        return plus < 0 ? informational : informational[..plus];
    }
}
