using Newtonsoft.Json.Linq;

namespace ActorGameServer.Baseline;

/// <summary>
/// What each request does. Runs on the sender's read loop, one request at a time, so a JOIN is
/// finished (JOINED or ERROR queued) before the player's next request is read; replies and
/// pushes all go through outboxes. Error codes and details are the actor server's.
/// </summary>
internal static class Commands
{
    private const int MaxPlayerName = 32;
    private const int MaxRoomName = 64;

    public static void Handle(Request request, Player player, RoomDirectory rooms)
    {
        switch (request.Cmd)
        {
            case "PING":
                player.Outbox.Enqueue(Frames.Pong(request));
                break;
            case "RELAY":
                Relay(request, player);
                break;
            case "HELLO":
                Hello(request, player);
                break;
            case "JOIN":
                Join(request, player, rooms);
                break;
            case "LEAVE":
                Leave(request, player, rooms);
                break;
            default:
                // Stays open, so a newer client can talk to an older server.
                Error(player, request, "unknown_cmd", $"unknown command \"{request.Cmd}\"");
                break;
        }
    }

    private static void Relay(Request request, Player player)
    {
        if (TryGetMembership(request, player) is { } room)
        {
            var data = (request.Message as JObject)?["data"] ?? JValue.CreateNull();
            room.Relay(player, Frames.Relay(room.Name, player.UserId, data));
        }
    }

    private static void Hello(Request request, Player player)
    {
        if (player.Rooms.Count > 0)
        {
            Error(player, request, "bad_request", "send HELLO before joining rooms, so everyone in a room agrees on your name");
        }
        else if (GetString(request, "name") is not { } raw)
        {
            Error(player, request, "bad_request", "HELLO needs {\"name\": \"...\"}");
        }
        else if (CheckName(raw.Trim()) is { } problem)
        {
            Error(player, request, "bad_name", problem);
        }
        else
        {
            player.Name = raw.Trim();
            player.Outbox.Enqueue(Frames.HelloOk(player.UserId, player.Name, request.Id));
        }
    }

    private static void Join(Request request, Player player, RoomDirectory rooms)
    {
        if (GetRoom(request, player) is not { } room)
        {
            return;
        }

        if (player.Rooms.ContainsKey(room))
        {
            Error(player, request, "already_in_room", $"you are already in room \"{room}\"");
        }
        else
        {
            rooms.Join(room, player, request.Id);
        }
    }

    private static void Leave(Request request, Player player, RoomDirectory rooms)
    {
        if (TryGetMembership(request, player) is { } room)
        {
            rooms.Leave(room, player);
            player.Outbox.Enqueue(Frames.Left(room.Name, request.Id));
        }
    }

    private static Room? TryGetMembership(Request request, Player player)
    {
        if (GetRoom(request, player) is not { } name)
        {
            return null;
        }

        if (player.Rooms.TryGetValue(name, out var room))
        {
            return room;
        }

        Error(player, request, "not_in_room", $"you are not in room \"{name}\"");
        return null;
    }

    /// <summary>The request's valid room name, or null with bad_request or bad_room queued.</summary>
    private static string? GetRoom(Request request, Player player)
    {
        if (GetString(request, "room") is not { } room)
        {
            Error(player, request, "bad_request", $"{request.Cmd} needs {{\"room\": \"...\"}}");
            return null;
        }

        var problem = room.Length switch
        {
            0 => "the room name is empty",
            > MaxRoomName => $"the room name is longer than {MaxRoomName} characters",
            _ => room.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or ':' or '-') ? null : "a room name may only use A-Z a-z 0-9 _ . : -",
        };
        if (problem is not null)
        {
            Error(player, request, "bad_room", problem);
            return null;
        }

        return room;
    }

    private static string? CheckName(string name) => name.Length switch
    {
        0 => "the name is empty",
        > MaxPlayerName => $"the name is longer than {MaxPlayerName} characters",
        _ => name.Any(char.IsControl) ? "the name contains control characters" : null,
    };

    private static string? GetString(Request request, string key) =>
        (request.Message as JObject)?[key] is JValue { Type: JTokenType.String } value ? (string?)value : null;

    private static void Error(Player player, Request request, string code, string detail) =>
        player.Outbox.Enqueue(Frames.Error(code, detail, request.Id));
}
