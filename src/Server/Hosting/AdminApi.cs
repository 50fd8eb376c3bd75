using System.Globalization;
using System.Text.Json;
using ActorGameServer.Protocol;
using ActorGameServer.Server.Actors;
using ActorGameServer.Server.Admin;
using ActorGameServer.Server.Configuration;
using ActorGameServer.Server.Diagnostics;
using ActorGameServer.Server.Rooms;
using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using Akka.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace ActorGameServer.Server.Hosting;

/// <summary>
/// The admin API under <c>/admin/api</c> (docs/ADMIN.md), mapped only when
/// <c>game-server.admin.token</c> is set; otherwise nothing under <c>/admin</c> exists (404).
/// Every route needs the Bearer token (<see cref="AdminAuth"/>). The handlers are thin: the
/// questions go to the actors, cluster-wide through <see cref="AdminQuery"/> (each node's
/// registry answers for its own players; a node that does not answer within
/// <see cref="QueryTimeout"/> is listed in <c>missing_nodes</c>), and what was done to whom is
/// logged.
/// </summary>
internal sealed class AdminApi
{
    public const string ApiPrefix = "/admin/api";

    /// <summary>Request bodies are a line of JSON; the listener takes no body anywhere else.</summary>
    public const int MaxBodyBytes = 16 * 1024;

    public const int MaxReasonLength = 500;
    public const int MaxMessageLength = 1000;
    public const string DefaultReason = "kicked by an administrator";

    /// <summary>How long a question to the nodes may take; a node slower than this is reported missing.</summary>
    public static readonly TimeSpan QueryTimeout = TimeSpan.FromSeconds(2);

    private readonly GameServerSettings _settings;
    private readonly AdminAuth _auth;

    private AdminApi(GameServerSettings settings)
    {
        _settings = settings;
        _auth = new AdminAuth(settings.Admin, settings.Http);
    }

    public static void Map(WebApplication app, GameServerSettings settings)
    {
        var api = new AdminApi(settings);
        app.MapGet($"{ApiPrefix}/stats", api.Guarded(api.StatsAsync));
        app.MapGet($"{ApiPrefix}/players", api.Guarded(api.PlayersAsync));
        app.MapGet($"{ApiPrefix}/rooms", api.Guarded(api.RoomsAsync));
        app.MapPost($"{ApiPrefix}/players/{{id}}/kick", api.Guarded(api.KickAsync));
        app.MapPost($"{ApiPrefix}/broadcast", api.Guarded(api.BroadcastAsync));
        // Anything else under the API: 401 without the token (which routes exist is nobody else's
        // business), 404 with it.
        app.Map($"{ApiPrefix}/{{**rest}}", api.Guarded(_ => throw new AdminRequestException(StatusCodes.Status404NotFound, "no such admin API route")));
    }

    /// <summary>A request the API refuses: written as <c>{"error": message}</c> with <paramref name="Status"/>.</summary>
    private sealed class AdminRequestException(int status, string message) : Exception(message)
    {
        public int Status { get; } = status;
    }

    /// <summary>The handler behind the token check, with refusals written as JSON errors.</summary>
    private RequestDelegate Guarded(Func<HttpContext, Task> handler) => async context =>
    {
        var system = context.RequestServices.GetRequiredService<ActorSystem>();
        context.Response.Headers.CacheControl = "no-store";
        // Raised before anything is answered: Kestrel reads what is left of a body after the
        // response (keep-alive), and one over the limit (0 elsewhere) aborts the connection,
        // which can cost the client the answer it was just sent, a 401 included.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxBodyBytes;
        }

        if (!_auth.IsAuthorized(context, system.Log))
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await WriteAsync(context, StatusCodes.Status401Unauthorized, new AdminJson.Error("a valid admin token is required (Authorization: Bearer <token>)"));
            return;
        }

        try
        {
            await handler(context);
        }
        catch (AdminRequestException e)
        {
            await WriteAsync(context, e.Status, new AdminJson.Error(e.Message));
        }
    };

    private async Task StatsAsync(HttpContext context)
    {
        var system = context.RequestServices.GetRequiredService<ActorSystem>();
        var nodes = Nodes(system);
        var asking = AdminQuery.RunAsync(system, Registry(context), ClientRegistry.GetNodeStats.Instance, nodes, QueryTimeout);
        var rooms = await ListRoomsAsync(context);
        var result = await asking;
        var perNode = Answered<ClientRegistry.NodeStats>(nodes, result)
            .Select(n => new AdminJson.NodeStats(n.Node.ToString(), n.Answer.PlayersOnline, n.Answer.FramesInPerSecond, n.Answer.FramesOutPerSecond, n.Answer.UptimeSeconds))
            .ToList();
        await WriteAsync(context, StatusCodes.Status200OK, new AdminJson.Stats(
            PlayersOnline: perNode.Sum(n => n.PlayersOnline),
            Rooms: rooms.Select(r => r.Room).Distinct(StringComparer.Ordinal).Count(), // A moving room may be listed under two nodes.
            FramesInPerSecond: Math.Round(perNode.Sum(n => n.FramesInPerSecond), 1),
            FramesOutPerSecond: Math.Round(perNode.Sum(n => n.FramesOutPerSecond), 1),
            UptimeSeconds: Math.Round(system.Uptime.TotalSeconds, 1), // This node's: the one answering.
            Version: ServerVersion.Current,
            Nodes: perNode,
            MissingNodes: Missing(result)));
    }

    private async Task PlayersAsync(HttpContext context)
    {
        var system = context.RequestServices.GetRequiredService<ActorSystem>();
        var nodes = Nodes(system);
        var result = await AdminQuery.RunAsync(system, Registry(context), ClientRegistry.ListPlayers.Instance, nodes, QueryTimeout);
        var players = Answered<ClientRegistry.NodePlayers>(nodes, result)
            .SelectMany(n => n.Answer.Players.Select(p => new AdminJson.Player(
                p.UserId, p.Name, p.Remote, p.Transport, p.Rooms,
                p.ConnectedAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
                p.FramesIn, p.FramesOut, p.BytesIn, p.BytesOut, n.Node.ToString())))
            .OrderBy(p => p.UserId)
            .ToList();
        await WriteAsync(context, StatusCodes.Status200OK, new AdminJson.Players(players, Missing(result)));
    }

    private async Task RoomsAsync(HttpContext context)
    {
        var rooms = await ListRoomsAsync(context);
        await WriteAsync(context, StatusCodes.Status200OK, new AdminJson.Rooms([.. rooms.Select(r => new AdminJson.Room(r.Room, r.Members, r.Node))]));
    }

    private async Task KickAsync(HttpContext context)
    {
        var id = context.Request.RouteValues["id"] as string ?? "";
        if (!long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var userId))
        {
            throw new AdminRequestException(StatusCodes.Status404NotFound, $"no player {Truncated(id)}");
        }

        var body = await ReadBodyAsync(context);
        var reason = OptionalString(body, "reason") ?? DefaultReason;
        if (reason.Trim().Length == 0)
        {
            reason = DefaultReason;
        }

        CheckLength("reason", reason, MaxReasonLength, ServerFrames.Error(new ProtocolError(ErrorCode.Kicked, reason)).Length);

        var system = context.RequestServices.GetRequiredService<ActorSystem>();
        var caller = _auth.Caller(context);
        ClientRegistry.KickResult result;
        try
        {
            result = await Registry(context).Ask<ClientRegistry.KickResult>(new ClientRegistry.KickPlayer(userId, reason, caller), QueryTimeout, context.RequestAborted);
        }
        catch (AskTimeoutException)
        {
            throw new AdminRequestException(StatusCodes.Status503ServiceUnavailable, $"the node of player {userId} did not answer within {QueryTimeout.TotalSeconds:0.#} s");
        }

        if (!result.Found)
        {
            throw new AdminRequestException(StatusCodes.Status404NotFound, $"no player {userId}");
        }

        system.Log.InfoEvent("admin_kick", "admin API: {Admin} kicked player {UserId}: {KickReason}", caller, userId, reason);
        await WriteAsync(context, StatusCodes.Status200OK, new AdminJson.Kicked(userId));
    }

    private async Task BroadcastAsync(HttpContext context)
    {
        var body = await ReadBodyAsync(context);
        var message = OptionalString(body, "message");
        if (message is null || message.Trim().Length == 0)
        {
            throw new AdminRequestException(StatusCodes.Status400BadRequest, "the body must be {\"message\": \"...\"} with a message that is not empty");
        }

        CheckLength("message", message, MaxMessageLength, ServerFrames.Notice(message).Length);

        var system = context.RequestServices.GetRequiredService<ActorSystem>();
        var caller = _auth.Caller(context);
        var nodes = Nodes(system);
        var result = await AdminQuery.RunAsync(system, Registry(context), new ClientRegistry.BroadcastNotice(message, caller), nodes, QueryTimeout);
        var sentTo = Answered<ClientRegistry.NoticeSent>(nodes, result).Sum(n => n.Answer.Players);
        if (result.Missing.Count > 0)
        {
            system.Log.Warning("admin API: node(s) {0} did not confirm the notice within {1}", string.Join(", ", result.Missing), QueryTimeout);
        }

        system.Log.InfoEvent("admin_broadcast", "admin API: {Admin} sent a notice to {Players} player(s): {Notice}", caller, sentTo, message);
        await WriteAsync(context, StatusCodes.Status200OK, new AdminJson.Sent(sentTo));
    }

    /// <summary>Too long to read, or the frame it ends up in would be over max-payload (which clients may hold the server to as well).</summary>
    private void CheckLength(string field, string value, int maxLength, int frameLength)
    {
        if (value.Length > maxLength)
        {
            throw new AdminRequestException(StatusCodes.Status400BadRequest, $"{field} is {value.Length} characters long; at most {maxLength} are allowed");
        }

        if (frameLength > _settings.MaxPayload)
        {
            throw new AdminRequestException(StatusCodes.Status400BadRequest, $"{field} makes a frame of {frameLength} bytes, over max-payload ({_settings.MaxPayload})");
        }
    }

    private static async Task<IReadOnlyList<RoomListing.NodeRoom>> ListRoomsAsync(HttpContext context)
    {
        var directory = context.RequestServices.GetRequiredService<IRequiredActor<RoomDirectory>>().ActorRef;
        try
        {
            var answer = await directory.Ask<RoomDirectory.RoomsByNode>(RoomDirectory.ListRoomsByNode.Instance, QueryTimeout, context.RequestAborted);
            return answer.Rooms;
        }
        catch (AskTimeoutException)
        {
            throw new AdminRequestException(StatusCodes.Status503ServiceUnavailable, $"the room directory did not answer within {QueryTimeout.TotalSeconds:0.#} s");
        }
    }

    /// <summary>The nodes to ask: every Up member, and this node whatever its state (a cluster of one is asked the same way).</summary>
    private static IReadOnlyList<Address> Nodes(ActorSystem system)
    {
        var cluster = Cluster.Get(system);
        var nodes = cluster.State.Members.Where(m => m.Status == MemberStatus.Up).Select(m => m.Address).ToList();
        if (!nodes.Contains(cluster.SelfAddress))
        {
            nodes.Insert(0, cluster.SelfAddress);
        }

        return nodes;
    }

    private static IActorRef Registry(HttpContext context) =>
        context.RequestServices.GetRequiredService<IRequiredActor<ClientRegistry>>().ActorRef;

    /// <summary>The answers of type <typeparamref name="T"/>, in the order of <paramref name="nodes"/>.</summary>
    private static IEnumerable<(Address Node, T Answer)> Answered<T>(IReadOnlyList<Address> nodes, AdminQuery.Result result) =>
        nodes.Where(n => result.Answers.TryGetValue(n, out var answer) && answer is T).Select(n => (n, (T)result.Answers[n]));

    private static List<string> Missing(AdminQuery.Result result) => [.. result.Missing.Select(n => n.ToString())];

    /// <summary>
    /// The JSON body, if any, at most <see cref="MaxBodyBytes"/> (the listener's limit is 0: no
    /// other route takes one; <see cref="Guarded"/> raised it). Not an object, or not JSON: 400; larger: 413.
    /// </summary>
    private static async Task<JsonElement?> ReadBodyAsync(HttpContext context)
    {
        if (context.Request.ContentLength > MaxBodyBytes)
        {
            throw new AdminRequestException(StatusCodes.Status413PayloadTooLarge, $"the body may be at most {MaxBodyBytes} bytes");
        }

        using var buffer = new MemoryStream();
        try
        {
            await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw new AdminRequestException(StatusCodes.Status413PayloadTooLarge, $"the body may be at most {MaxBodyBytes} bytes");
        }

        if (buffer.Length == 0)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(buffer.ToArray());
            return document.RootElement.ValueKind == JsonValueKind.Object
                ? document.RootElement.Clone()
                : throw new AdminRequestException(StatusCodes.Status400BadRequest, "the body must be a JSON object");
        }
        catch (JsonException e)
        {
            throw new AdminRequestException(StatusCodes.Status400BadRequest, $"the body is not JSON: {e.Message}");
        }
    }

    private static string? OptionalString(JsonElement? body, string field)
    {
        if (body is not { } json || !json.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : throw new AdminRequestException(StatusCodes.Status400BadRequest, $"\"{field}\" must be a string");
    }

    private static string Truncated(string text) => text.Length <= 40 ? text : text[..40] + "…";

    private static async Task WriteAsync<T>(HttpContext context, int status, T body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        await JsonSerializer.SerializeAsync(context.Response.Body, body, AdminJson.Options, context.RequestAborted);
    }
}
