using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using ActorGameServer.Client;
using Xunit.Abstractions;

namespace ActorGameServer.Server.Tests.Support;

/// <summary>
/// N real server processes on 127.0.0.1 forming one cluster, the way an operator runs them: every
/// node has the same seed list (all N), and ports chosen once, up front, so a node can be
/// restarted at the same address. Nodes are numbered from 1 in the order they were started, which
/// is not necessarily the node number each claims for its user ids. Every process is killed on
/// dispose, whatever happened.
/// </summary>
public sealed partial class ServerCluster : IAsyncDisposable
{
    /// <summary>Generous: a busy 2-core CI machine runs several .NET processes here. Only reached when something is wrong.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private readonly string _directory = Directory.CreateTempSubdirectory("ags-cluster-").FullName;
    private readonly Node[] _nodes;
    private readonly string _seeds;
    private readonly ITestOutputHelper? _output;
    private readonly bool _http;

    private ServerCluster(int count, bool http, ITestOutputHelper? output)
    {
        _http = http;
        _output = output;
        var ports = FreePorts(count * (http ? 3 : 2));
        _nodes = Enumerable.Range(0, count)
            .Select(i => new Node(GamePort: ports[i], ClusterPort: ports[count + i], HttpPort: http ? ports[(2 * count) + i] : null))
            .ToArray();
        _seeds = string.Join(",", _nodes.Select(node => $"127.0.0.1:{node.ClusterPort}"));
    }

    public int Count => _nodes.Length;

    /// <summary>
    /// Starts <paramref name="count"/> nodes together and waits until each accepts players and
    /// sees all of them Up. (Together is quicker than the first seed first: alone, the first seed
    /// waits 5 s for the others to answer before it forms the cluster; started together, the
    /// others find it within one 5 s retry.)
    /// </summary>
    public static async Task<ServerCluster> StartAsync(int count, ITestOutputHelper? output = null, bool http = false)
    {
        var cluster = new ServerCluster(count, http, output);
        try
        {
            for (var node = 1; node <= count; node++)
            {
                cluster.Launch(node);
            }

            var all = Enumerable.Range(1, count).ToArray();
            await cluster.WaitUntilUpAsync(all, new int[count + 1], all);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>The game port node <paramref name="node"/> listens on (the same after a restart).</summary>
    public IPEndPoint GameEndPoint(int node) => new(IPAddress.Loopback, At(node).GamePort);

    /// <summary>The address other nodes know node <paramref name="node"/> by, as Akka writes it in the log.</summary>
    public string ClusterAddress(int node) => $"akka.tcp://game-server@127.0.0.1:{At(node).ClusterPort}";

    /// <summary>The running (or last) process of node <paramref name="node"/>.</summary>
    public ServerProcess Process(int node) => At(node).Process ?? throw new InvalidOperationException($"node {node} was never started");

    /// <summary>The nodes other than <paramref name="except"/>.</summary>
    public int[] Others(params int[] except) => Enumerable.Range(1, Count).Except(except).ToArray();

    /// <summary>Where each node's log is now: marks for <see cref="WaitForLogOnAsync"/>.</summary>
    public int[] LogMarks() => [0, .. Enumerable.Range(1, Count).Select(node => At(node).Process?.LogLength ?? 0)];

    /// <summary>A player on node <paramref name="node"/>, over TCP, after HELLO.</summary>
    public async Task<GameClient> ConnectPlayerAsync(int node, string name)
    {
        var client = await GameClient.ConnectAsync("127.0.0.1", At(node).GamePort).WaitAsync(Timeout);
        await client.HelloAsync(name).WaitAsync(Timeout);
        return client;
    }

    /// <summary>A player on node <paramref name="node"/>, over WebSocket (the cluster must run with HTTP), after HELLO.</summary>
    public async Task<GameClient> ConnectWebSocketPlayerAsync(int node, string name)
    {
        var port = At(node).HttpPort ?? throw new InvalidOperationException("this cluster runs without HTTP");
        var client = await GameClient.ConnectAsync(new Uri($"ws://127.0.0.1:{port}/ws")).WaitAsync(Timeout);
        await client.HelloAsync(name).WaitAsync(Timeout);
        return client;
    }

    /// <summary>
    /// The node whose log says room <paramref name="room"/> started there and has not stopped
    /// there since (each node logs both), waiting for the line to be written; 0 if none does.
    /// </summary>
    public async Task<int> HostOfAsync(string room)
    {
        var started = $"room \"{room}\" started on this node";
        var stopped = $"room \"{room}\" stopped on this node";
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        do
        {
            foreach (var node in Enumerable.Range(1, Count).Where(n => At(n).Process is { HasExited: false }))
            {
                var log = Process(node).StandardOutput;
                if (log.LastIndexOf(started, StringComparison.Ordinal) > log.LastIndexOf(stopped, StringComparison.Ordinal))
                {
                    return node;
                }
            }

            await Task.Delay(50);
        }
        while (DateTime.UtcNow < deadline);

        return 0;
    }

    public void Kill9(int node) => Process(node).Kill9();

    public void Sigterm(int node) => Process(node).SendSigterm();

    /// <summary>SIGSTOP: node <paramref name="node"/> stops answering, as if cut off from the others.</summary>
    public void Stop(int node) => Process(node).Stop();

    public void Continue(int node) => Process(node).Continue();

    /// <summary>
    /// Starts node <paramref name="node"/> again (it must have exited) on the same ports and waits
    /// until it accepts players and it and every other running node see each other Up.
    /// </summary>
    public async Task RestartAsync(int node)
    {
        var old = Process(node);
        Assert.True(old.HasExited, $"node {node} is still running");
        var marks = LogMarks();
        WriteLog(node);
        old.Dispose();
        Launch(node);
        var running = Enumerable.Range(1, Count).Where(n => n == node || !Process(n).HasExited).ToArray();
        marks[node] = 0;
        await WaitUntilUpAsync(running, marks, [node]);
    }

    /// <summary>
    /// Waits on each of <paramref name="nodes"/> for a log line written after its mark in
    /// <paramref name="marks"/>; returns how long after <paramref name="since"/> the last one came.
    /// </summary>
    public async Task<TimeSpan> WaitForLogOnAsync(int[] nodes, int[] marks, Regex pattern, long since)
    {
        await Task.WhenAll(nodes.Select(node => Process(node).WaitForLogAsync(pattern, marks[node], Timeout)));
        return Stopwatch.GetElapsedTime(since);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            node.Process?.Dispose(); // Kills it if it still runs (also when stopped by SIGSTOP).
        }

        for (var node = 1; node <= Count; node++)
        {
            WriteLog(node);
        }

        await Task.Yield();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A process that was killed may still hold the directory for a moment; it is under /tmp.
        }
    }

    /// <summary>Removed from the cluster as seen by another node (<see cref="Hosting.MembershipLog"/>).</summary>
    public Regex RemovedLine(int node, string how) => new($@"cluster member {Regex.Escape(ClusterAddress(node))} was removed: {how}");

    public Regex UpLine(int node) => new($@"cluster member {Regex.Escape(ClusterAddress(node))} is Up");

    /// <summary>Ports that were free a moment ago, all different (all held until every one is chosen).</summary>
    private static int[] FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToArray();
        try
        {
            foreach (var listener in listeners)
            {
                listener.Start();
            }

            return listeners.Select(listener => ((IPEndPoint)listener.LocalEndpoint).Port).ToArray();
        }
        finally
        {
            foreach (var listener in listeners)
            {
                listener.Stop();
            }
        }
    }

    [GeneratedRegex(@"listening on (\S+:\d+)")]
    private static partial Regex ListeningLine();

    private Node At(int node) => node >= 1 && node <= Count ? _nodes[node - 1] : throw new ArgumentOutOfRangeException(nameof(node), node, $"nodes are 1 to {Count}");

    private void Launch(int node)
    {
        var at = At(node);
        at.Process = ServerProcess.Start(_directory, new Dictionary<string, string>
        {
            ["GAME_SERVER_HOST"] = "127.0.0.1",
            ["GAME_SERVER_PORT"] = at.GamePort.ToString(),
            ["GAME_SERVER_HTTP_PORT"] = _http ? at.HttpPort!.Value.ToString() : "off",
            ["GAME_SERVER_CLUSTER_HOST"] = "127.0.0.1",
            ["GAME_SERVER_CLUSTER_PORT"] = at.ClusterPort.ToString(),
            ["GAME_SERVER_SEED_NODES"] = _seeds,
        });
    }

    /// <summary>
    /// Waits until each of <paramref name="newcomers"/> listens for players, and each of
    /// <paramref name="nodes"/> has logged, after its mark, that each newcomer among the others
    /// is Up, and a newcomer that each of the others is.
    /// </summary>
    private async Task WaitUntilUpAsync(int[] nodes, int[] marks, int[] newcomers)
    {
        await Task.WhenAll(nodes.Select(async node =>
        {
            if (newcomers.Contains(node))
            {
                await Process(node).WaitForLogAsync(ListeningLine(), marks[node], Timeout);
            }

            foreach (var other in nodes.Where(other => other != node && (newcomers.Contains(node) || newcomers.Contains(other))))
            {
                await Process(node).WaitForLogAsync(UpLine(other), marks[node], Timeout);
            }
        }));
    }

    private void WriteLog(int node)
    {
        if (_output is not null && At(node).Process is { } process)
        {
            _output.WriteLine($"---- node {node} ({ClusterAddress(node)}), stdout:\n{process.StandardOutput}\n---- stderr:\n{process.StandardError}");
        }
    }

    private sealed record Node(int GamePort, int ClusterPort, int? HttpPort)
    {
        public ServerProcess? Process { get; set; }
    }
}
