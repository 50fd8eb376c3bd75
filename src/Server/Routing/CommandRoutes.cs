using System.Collections.Frozen;
using ActorGameServer.Protocol;

namespace ActorGameServer.Server.Routing;

/// <summary>Handles one command for one client. Runs inside that client's actor.</summary>
public delegate void CommandHandler(IClientSession session, Envelope request);

/// <summary>
/// The command table: the one place that says which <c>cmd</c> does what. Adding a command is
/// one entry here and one handler. The registry owns the table and hands it to every client
/// actor, which dispatches locally: commands that concern only their sender (PING, HELLO) never
/// leave that client's actor, and commands that need shared state go to the actor owning it
/// (DIRECT to the registry, JOIN/ROOMS/WHO to the room directory, LEAVE/RELAY to the room).
/// </summary>
public sealed class CommandRoutes
{
    public static readonly CommandRoutes Default = new(new Dictionary<string, CommandHandler>
    {
        [Commands.Ping] = PlayerCommands.Ping,
        [Commands.Hello] = PlayerCommands.Hello,
        [Commands.Direct] = PlayerCommands.Direct,
        [Commands.Join] = RoomCommands.Join,
        [Commands.Leave] = RoomCommands.Leave,
        [Commands.Relay] = RoomCommands.Relay,
        [Commands.Rooms] = RoomCommands.Rooms,
        [Commands.Who] = RoomCommands.Who,
        [Commands.Resume] = SessionCommands.Resume,
        [Commands.Bye] = SessionCommands.Bye,
    });

    private readonly FrozenDictionary<string, CommandHandler> _handlers;

    public CommandRoutes(IDictionary<string, CommandHandler> handlers) =>
        _handlers = handlers.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Runs the handler for <paramref name="request"/>; false when the command is unknown.</summary>
    public bool TryDispatch(IClientSession session, Envelope request)
    {
        if (!_handlers.TryGetValue(request.Cmd, out var handler))
        {
            return false;
        }

        handler(session, request);
        return true;
    }
}
