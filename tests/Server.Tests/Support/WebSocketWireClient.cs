using System.Net.WebSockets;
using System.Text;
using Newtonsoft.Json.Linq;

namespace ActorGameServer.Server.Tests.Support;

/// <summary>
/// <see cref="WireClient"/>'s twin over WebSocket: a plain <see cref="ClientWebSocket"/>, one JSON
/// envelope per message, nothing of the client library, so the server is checked against the wire
/// format itself. <see cref="SendRawAsync"/> sends any bytes as any message type, fragments included.
/// </summary>
public sealed class WebSocketWireClient : IWireClient
{
    private readonly ClientWebSocket _socket;

    private WebSocketWireClient(ClientWebSocket socket) => _socket = socket;

    /// <summary>The status the server closed with, once its close frame was read.</summary>
    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    /// <summary>The reason the server gave in its close frame, once it was read.</summary>
    public string? CloseStatusDescription => _socket.CloseStatusDescription;

    public WebSocketState State => _socket.State;

    /// <summary>The type of the last message read (the server sends text).</summary>
    public WebSocketMessageType? LastMessageType { get; private set; }

    public static async Task<WebSocketWireClient> ConnectAsync(Uri url)
    {
        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.Zero; // Only what a test sends goes on the wire.
        using var timeout = new CancellationTokenSource(WireClient.DefaultTimeout);
        try
        {
            await socket.ConnectAsync(url, timeout.Token);
            return new WebSocketWireClient(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Connects and reads the WELCOME message, returning its message.</summary>
    public static async Task<(WebSocketWireClient Client, JObject Welcome)> ConnectWelcomedAsync(Uri url)
    {
        var client = await ConnectAsync(url);
        var welcome = await client.ReadFrameAsync();
        Assert.Equal("WELCOME", (string?)welcome["cmd"]);
        return (client, (JObject)welcome["message"]!);
    }

    /// <summary>Sends <paramref name="json"/> as one text message.</summary>
    public Task SendJsonAsync(string json) => SendRawAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text);

    /// <summary>
    /// Sends <paramref name="bytes"/> as they are: invalid UTF-8 in a text message, a binary
    /// message, or one fragment of a message that <paramref name="endOfMessage"/> false leaves open.
    /// </summary>
    public async Task SendRawAsync(byte[] bytes, WebSocketMessageType messageType = WebSocketMessageType.Binary, bool endOfMessage = true)
    {
        using var timeout = new CancellationTokenSource(WireClient.DefaultTimeout);
        await _socket.SendAsync(bytes, messageType, endOfMessage, timeout.Token);
    }

    /// <summary>
    /// Reads one message's text; null when the server closed instead (its close frame is then
    /// answered, and <see cref="CloseStatus"/> tells how it closed).
    /// </summary>
    public async Task<string?> ReadFrameTextAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? WireClient.DefaultTimeout);
        using var message = new MemoryStream();
        var buffer = new byte[16 * 1024];
        while (true)
        {
            var result = await _socket.ReceiveAsync(buffer, cts.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                if (message.Length > 0)
                {
                    throw new EndOfStreamException("the server closed the WebSocket in the middle of a message");
                }

                await AnswerCloseAsync(cts.Token);
                return null;
            }

            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                LastMessageType = result.MessageType;
                return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(message.GetBuffer(), 0, (int)message.Length);
            }
        }
    }

    /// <summary>Reads one message and parses it, keeping numbers and strings exactly as sent.</summary>
    public async Task<JObject> ReadFrameAsync(TimeSpan? timeout = null)
    {
        var text = await ReadFrameTextAsync(timeout) ?? throw new EndOfStreamException(
            $"the server closed the WebSocket: {(int?)CloseStatus} {CloseStatusDescription}");
        return Json.Parse(text);
    }

    /// <summary>
    /// True when the server ends the connection before sending another message: with a close
    /// frame (see <see cref="CloseStatus"/>), or by dropping the connection.
    /// </summary>
    public async Task<bool> IsClosedByServerAsync(TimeSpan? timeout = null)
    {
        try
        {
            return await ReadFrameTextAsync(timeout) is null;
        }
        catch (WebSocketException)
        {
            return true; // Dropped without a close frame (CloseStatus stays null).
        }
    }

    /// <summary>Starts the close handshake with <paramref name="status"/> and waits for the server's answer.</summary>
    public async Task CloseAsync(WebSocketCloseStatus status = WebSocketCloseStatus.NormalClosure, string? description = null)
    {
        using var timeout = new CancellationTokenSource(WireClient.DefaultTimeout);
        await _socket.CloseAsync(status, description, timeout.Token);
    }

    /// <summary>Drops the connection without a close frame, like a crashed client.</summary>
    public void Abort() => _socket.Abort();

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            try
            {
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
                // The server is gone already; disposing is all that is left.
            }
        }

        _socket.Dispose();
    }

    /// <summary>Echoes the server's close status, as RFC 6455 section 5.5.1 suggests, to finish the handshake.</summary>
    private async Task AnswerCloseAsync(CancellationToken cancellationToken)
    {
        if (_socket.State == WebSocketState.CloseReceived)
        {
            await _socket.CloseOutputAsync(CloseStatus ?? WebSocketCloseStatus.Empty, null, cancellationToken);
        }
    }
}
