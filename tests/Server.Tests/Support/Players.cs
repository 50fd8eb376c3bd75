using ActorGameServer.Client;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace ActorGameServer.Server.Tests.Support;

/// <summary>
/// <see cref="GameClient"/> helpers for the room tests: every wait is bounded by
/// <see cref="WireClient.DefaultTimeout"/>, and "nothing else arrived" is checked with a sentinel
/// sent without an id, whose answer therefore comes out of the push stream behind everything sent
/// to this client before it, never by waiting a fixed time. The sentinel takes the path the
/// unwanted push would take: a PING for what the client's own actor queued, a WHO answered by the
/// room for pushes from a room, a DIRECT through the registry for direct messages.
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

    /// <summary>
    /// The next push whose cmd is <paramref name="cmd"/>, passing over others (for tests where
    /// other pushes may come first and are not what the test is about).
    /// </summary>
    public static async Task<ServerFrame> NextUntilAsync(this GameClient client, string cmd, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? WireClient.DefaultTimeout);
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            ServerFrame frame;
            try
            {
                frame = await client.NextPushAsync(left > TimeSpan.Zero ? left : TimeSpan.Zero);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"user {client.UserId}: no {cmd} within {timeout ?? WireClient.DefaultTimeout}");
            }

            if (frame.Cmd == cmd)
            {
                return frame;
            }
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

    /// <summary>
    /// Asserts that <paramref name="room"/> sent this client nothing it has not read: a WHO without
    /// an id is answered by the room itself, and a room's messages to one client keep their order,
    /// so anything the room pushed before handling the WHO comes first. (A PING would not do: a
    /// push still on its way from the room could arrive after the PONG.) The room must exist.
    /// </summary>
    public static async Task AssertNothingPendingFromRoomAsync(this GameClient client, string room)
    {
        await client.SendAsync("WHO", $$"""{"room":"{{room}}"}""");
        var next = await client.NextAsync();
        Assert.True(
            next.Cmd == "WHO" && next.Message.GetProperty("room").GetString() == room,
            $"user {client.UserId} got {Canon(next)} before the WHO answer from room {room}");
    }

    /// <summary>
    /// Asserts that the registry delivered <paramref name="client"/> no direct message it has not
    /// read: a DIRECT from <paramref name="sender"/> passes through the same registry, so it is the
    /// next push the client sees.
    /// </summary>
    public static async Task AssertNothingPendingFromDirectsAsync(this GameClient client, GameClient sender)
    {
        var marker = $"\"direct-sentinel-{Guid.NewGuid():N}\"";
        await sender.DirectAsync(client.UserId, marker);
        var next = await client.NextAsync();
        Assert.True(
            next.Cmd == "DIRECT" && next.Message.GetProperty("data").GetRawText() == marker,
            $"user {client.UserId} got {Canon(next)} before the sentinel DIRECT");
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
