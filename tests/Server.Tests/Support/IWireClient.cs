using Newtonsoft.Json.Linq;

namespace ActorGameServer.Server.Tests.Support;

/// <summary>
/// What a test needs from a plain client on either transport, so a behaviour that must hold on
/// both is one test run twice (<see cref="WireClients.ConnectWelcomedAsync"/>).
/// </summary>
public interface IWireClient : IAsyncDisposable
{
    /// <summary>Sends one envelope: a length-prefixed frame on TCP, one text message on WebSocket.</summary>
    Task SendJsonAsync(string json);

    /// <summary>The next frame's JSON text; null if the server closed the connection cleanly first.</summary>
    Task<string?> ReadFrameTextAsync(TimeSpan? timeout = null);

    Task<JObject> ReadFrameAsync(TimeSpan? timeout = null);

    /// <summary>True when the server closes the connection before sending anything else.</summary>
    Task<bool> IsClosedByServerAsync(TimeSpan? timeout = null);
}

public static class WireClients
{
    /// <summary>Both transports, for <c>[Theory, MemberData(nameof(WireClients.Transports), MemberType = typeof(WireClients))]</c>.</summary>
    public static TheoryData<string> Transports => new() { "tcp", "websocket" };

    /// <summary>Connects over <paramref name="transport"/> ("tcp" or "websocket") and reads WELCOME.</summary>
    public static async Task<(IWireClient Client, JObject Welcome)> ConnectWelcomedAsync(this TestServer server, string transport) => transport switch
    {
        "tcp" => await WireClient.ConnectWelcomedAsync(server.EndPoint),
        "websocket" => await WebSocketWireClient.ConnectWelcomedAsync(server.WebSocketUri),
        _ => throw new ArgumentOutOfRangeException(nameof(transport), transport, "tcp or websocket"),
    };
}
