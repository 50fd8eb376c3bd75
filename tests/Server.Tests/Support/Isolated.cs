namespace ActorGameServer.Server.Tests.Support;

/// <summary>
/// Tests that measure the whole process (open sockets, actor counts, load) run alone, after the
/// parallel ones, so other tests' connections do not blur what they measure.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class Isolated
{
    public const string Name = "isolated";
}
