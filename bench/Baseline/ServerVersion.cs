using System.Reflection;

namespace ActorGameServer.Baseline;

/// <summary>The version sent in WELCOME: the assembly's, like the actor server (both inherit Directory.Build.props).</summary>
internal static class ServerVersion
{
    public static readonly string Current = Read();

    private static string Read()
    {
        var informational = typeof(ServerVersion).Assembly
            .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        // Drop the "+commit" suffix the SDK appends.
        var plus = informational.IndexOf('+');
        return plus < 0 ? informational : informational[..plus];
    }
}
