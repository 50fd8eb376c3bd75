using ActorGameServer.Client;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace ActorGameServer.Server.Tests.Support;

/// <summary>
/// <see cref="GameClient"/> helpers for the room tests: every wait is bounded by
/// <see cref="WireClient.DefaultTimeout"/>, and "nothing else arrived" is checked with a sentinel
/// (a PING sent without an id, whose PONG therefore comes out of the push stream behind everything
/// the server had queued for this client before it), never by waiting a fixed time.
/// </summary>
public static class Players
{
    /// <summary>Connects, and sends HELLO when <paramref name="name"/> is given.</summary>
    public static async Task<GameClient> ConnectPlayerAsync(this TestServer server, string? name = null)
    {
        var client = await GameClient.ConnectAsync("127.0.0.1", server.EndPoint.Port).WaitAsync(WireClient.DefaultTimeout);
        if (name is not null)
        {
            await client.HelloAsync(name).Soon();
        }

        return client;
    }

    /// <summary>Connects over WebSocket, and sends HELLO when <paramref name="name"/> is given.</summary>
    public static async Task<GameClient> ConnectWebSocketPlayerAsync(this TestServer server, string? name = null)
    {
        var client = await GameClient.ConnectAsync(server.WebSocketUri).WaitAsync(WireClient.DefaultTimeout);
        if (name is not null)
        {
            await client.HelloAsync(name).Soon();
        }

        return client;
    }

    /// <summary>Connects over <paramref name="transport"/> ("tcp" or "ws"), for tests that mix the two.</summary>
    public static Task<GameClient> ConnectPlayerAsync(this TestServer server, string transport, string? name) => transport switch
    {
        "tcp" => server.ConnectPlayerAsync(name),
        "ws" => server.ConnectWebSocketPlayerAsync(name),
        _ => throw new ArgumentOutOfRangeException(nameof(transport), transport, "expected tcp or ws"),
    };

    /// <summary>The task, or a <see cref="TimeoutException"/> when a reply never comes.</summary>
    public static Task<T> Soon<T>(this Task<T> task) => task.WaitAsync(WireClient.DefaultTimeout);

    public static Task Soon(this Task task) => task.WaitAsync(WireClient.DefaultTimeout);

    /// <summary>
    /// Asserts the request is answered with ERROR <paramref name="code"/>. <see cref="GameClient.RequestAsync"/>
    /// matches replies by id, so an answer at all means the request's id was echoed.
    /// </summary>
    public static async Task ExpectErrorAsync(this Task<ServerFrame> request, string code)
    {
        var error = await Assert.ThrowsAsync<GameServerException>(() => request.Soon());
        Assert.Equal(code, error.Code);
        Assert.False(string.IsNullOrWhiteSpace(error.Detail));
    }

    /// <summary>The next push (or reply to a request sent without an id).</summary>
    public static async Task<ServerFrame> NextAsync(this GameClient client)
    {
        try
        {
            return await client.NextPushAsync(WireClient.DefaultTimeout);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"user {client.UserId}: no push within {WireClient.DefaultTimeout}");
        }
    }

    /// <summary>Every push the server queued for this client so far, in order, taken off the stream.</summary>
    public static async Task<List<ServerFrame>> DrainAsync(this GameClient client)
    {
        var marker = $"sentinel-{Guid.NewGuid():N}";
        await client.SendAsync("PING", $"\"{marker}\"");
        var before = new List<ServerFrame>();
        while (true)
        {
            var frame = await client.NextAsync();
            if (frame.Cmd == "PONG" && frame.RawMessage.ToString() == $"\"{marker}\"")
            {
                return before;
            }

            before.Add(frame);
        }
    }

    /// <summary>Asserts that the server queued nothing for this client (beyond what was already read).</summary>
    public static async Task AssertNothingPendingAsync(this GameClient client)
    {
        var pending = await client.DrainAsync();
        Assert.True(pending.Count == 0, $"user {client.UserId} got unexpected frames:\n" + string.Join("\n", pending.Select(Canon)));
    }

    /// <summary>A PING with an id is answered: the connection is open and served.</summary>
    public static async Task AssertStillServedAsync(this GameClient client) => await client.PingAsync().Soon();

    /// <summary>
    /// A frame as <c>CMD {message}</c> with object keys sorted and strings unescaped, so frames can be
    /// compared as values (key order and escaping are the server's business) with readable diffs.
    /// </summary>
    public static string Canon(ServerFrame frame) => Canon(frame.Cmd, frame.RawMessage.ToString());

    public static string Canon(string cmd, string messageJson)
    {
        try
        {
            return $"{cmd} {Sorted(Json.ParseValue(messageJson)).ToString(Formatting.None)}";
        }
        catch (JsonException)
        {
            return $"{cmd} {messageJson}"; // Numbers beyond decimal (1e400) stay as sent.
        }
    }

    private static JToken Sorted(JToken token) => token switch
    {
        JObject obj => new JObject(obj.Properties().OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => new JProperty(p.Name, Sorted(p.Value)))),
        JArray array => new JArray(array.Select(Sorted)),
        _ => token,
    };
}
