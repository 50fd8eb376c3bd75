using System.Threading.Channels;
using ActorGameServer.Client;

namespace ActorGameServer.Server.Tests.Support;

/// <summary>
/// Everything a <see cref="ReconnectingGameClient"/> tells its game, in one line in the order it
/// was told: its events (kind <c>state</c>, <c>resumed</c>, <c>lost</c>, <c>away</c>,
/// <c>back</c>), each push it passes on (<c>push</c>), and the end of its push stream (<c>end</c>,
/// with the exception it ended with, if any). The client raises its events before it passes on
/// the pushes that follow them, so a test reads "resumed, then the missed relays" off the line
/// exactly. Create it before <see cref="ReconnectingGameClient.ConnectAsync"/>, so no event is missed.
/// </summary>
public sealed class ClientTimeline
{
    private readonly Channel<(string Kind, object? Value)> _line = Channel.CreateUnbounded<(string, object?)>();

    public ClientTimeline(ReconnectingGameClient client)
    {
        client.StateChanged += (_, change) => Write("state", change);
        client.Resumed += (_, resumed) => Write("resumed", resumed);
        client.SessionLost += (_, lost) => Write("lost", lost);
        client.Away += (_, who) => Write("away", who);
        client.Back += (_, who) => Write("back", who);
        _ = ReadPushesAsync(client);
    }

    /// <summary>The next entry, which must be of <paramref name="kind"/>; its value.</summary>
    public async Task<T> NextAsync<T>(string kind)
    {
        var (got, value) = await NextAsync();
        Assert.True(got == kind, $"expected {kind}, got {got}: {Describe(value)}");
        return Assert.IsType<T>(value);
    }

    /// <summary>The next entry, whatever it is.</summary>
    public async Task<(string Kind, object? Value)> NextAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(WireClient.DefaultTimeout);
            return await _line.Reader.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"nothing on the client's timeline within {WireClient.DefaultTimeout}");
        }
    }

    /// <summary>
    /// The next <paramref name="count"/> entries, in the order they came. For a state change that
    /// follows a connection's last push: the client raises it after passing that push on, but the
    /// event reaches the line at once while the push waits for the line's reader, so either may
    /// come first.
    /// </summary>
    public async Task<(string Kind, object? Value)[]> NextAsync(int count)
    {
        var entries = new (string, object?)[count];
        for (var i = 0; i < count; i++)
        {
            entries[i] = await NextAsync();
        }

        return entries;
    }

    /// <summary>The next entry must be a state change to <paramref name="state"/>; the change.</summary>
    public async Task<ConnectionStateChange> StateAsync(ConnectionState state)
    {
        var change = await NextAsync<ConnectionStateChange>("state");
        Assert.True(change.State == state, $"expected state {state}, got {change}");
        return change;
    }

    /// <summary>The next entry must be a push; it in <see cref="Players.Canon(ServerFrame)"/> form.</summary>
    public async Task<string> PushAsync() => Players.Canon(await NextAsync<ServerFrame>("push"));

    /// <summary>The next entry must be the end of the push stream; the exception it ended with, if any.</summary>
    public async Task<Exception?> EndAsync()
    {
        var (kind, value) = await NextAsync();
        Assert.True(kind == "end", $"expected the end of the pushes, got {kind}: {Describe(value)}");
        return value is ChannelClosedException { InnerException: { } inner } ? inner : (Exception?)value;
    }

    private static string Describe(object? value) => value is ServerFrame frame ? Players.Canon(frame) : $"{value}";

    private void Write(string kind, object? value) => _line.Writer.TryWrite((kind, value));

    private async Task ReadPushesAsync(ReconnectingGameClient client)
    {
        try
        {
            await foreach (var push in client.ReadPushesAsync())
            {
                Write("push", push);
            }

            Write("end", null);
        }
        catch (Exception e)
        {
            Write("end", e);
        }
    }
}
