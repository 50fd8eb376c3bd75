using ActorGameServer.Protocol;
using ActorGameServer.Server.Actors;
using ActorGameServer.Server.Sessions;
using Akka.Actor;
using Google.Protobuf;
using static ActorGameServer.Server.Clustering.ProtoWire;

namespace ActorGameServer.Server.Clustering;

/// <summary>A session moving to the node where its player reconnected (ClientRegistry.Move.cs, ClientActor.Move.cs).</summary>
public sealed partial class ClusterMessageSerializer
{
    private const string ResumeElsewhereManifest = "SE";
    private const string ImmigrateManifest = "SI";
    private const string SessionMovedHereManifest = "SM";
    private const string MovedSessionEndedManifest = "SX";
    private const string ResumeRefusedManifest = "SF";
    private const string MovedHereManifest = "SH";
    private const string MoveCompleteManifest = "SC";
    private const string MoveRefusedManifest = "SR";

    private static string? MoveManifest(object o) => o switch
    {
        ClientRegistry.ResumeElsewhere => ResumeElsewhereManifest,
        ClientRegistry.Immigrate => ImmigrateManifest,
        ClientRegistry.SessionMovedHere => SessionMovedHereManifest,
        ClientRegistry.MovedSessionEnded => MovedSessionEndedManifest,
        ClientActor.ResumeRefused => ResumeRefusedManifest,
        ClientActor.MovedHere => MovedHereManifest,
        ClientActor.MoveComplete => MoveCompleteManifest,
        ClientActor.MoveRefused => MoveRefusedManifest,
        _ => null,
    };

    /// <summary>Writes a move's message; false when <paramref name="obj"/> is none.</summary>
    private static bool WriteMove(CodedOutputStream output, object obj)
    {
        switch (obj)
        {
            case ClientActor.MovedHere or ClientActor.MoveComplete or ClientActor.MoveRefused:
                break; // Nothing but its type; the sender says who.
            case ClientRegistry.ResumeElsewhere resume:
                WriteString(output, 1, resume.Token);
                WriteJson(output, 2, resume.Id);
                WriteRef(output, 3, resume.Connection);
                WriteRef(output, 4, resume.Registry);
                WriteBool(output, 5, resume.Forwarded);
                break;
            case ClientRegistry.Immigrate immigrate:
                WritePlayer(output, 1, immigrate.Session.Player);
                foreach (var seat in immigrate.Session.Rooms)
                {
                    WriteMessage(output, 2, s =>
                    {
                        WriteString(s, 1, seat.Room);
                        if (seat.RoomActor is { } roomActor)
                        {
                            WriteRef(s, 2, roomActor);
                        }
                    });
                }

                foreach (var frame in immigrate.Session.Missed)
                {
                    WriteFrame(output, 3, frame);
                }

                WriteRef(output, 4, immigrate.Connection);
                WriteJson(output, 5, immigrate.Id);
                WriteString(output, 6, immigrate.Token);
                break;
            case ClientRegistry.SessionMovedHere moved:
                WriteInt64(output, 1, moved.UserId);
                break;
            case ClientRegistry.MovedSessionEnded ended:
                WriteInt64(output, 1, ended.UserId);
                break;
            case ClientActor.ResumeRefused refused:
                WriteFrame(output, 1, refused.Error);
                break;
            default:
                return false;
        }

        return true;
    }

    private object? ReadMove(byte[] bytes, string manifest) => manifest switch
    {
        MovedHereManifest => ClientActor.MovedHere.Instance,
        MoveCompleteManifest => ClientActor.MoveComplete.Instance,
        MoveRefusedManifest => ClientActor.MoveRefused.Instance,
        ResumeElsewhereManifest => ReadResumeElsewhere(bytes),
        ImmigrateManifest => ReadImmigrate(bytes),
        SessionMovedHereManifest => new ClientRegistry.SessionMovedHere(ReadSingleInt64(bytes)),
        MovedSessionEndedManifest => new ClientRegistry.MovedSessionEnded(ReadSingleInt64(bytes)),
        ResumeRefusedManifest => new ClientActor.ResumeRefused(Required(ReadSend(bytes).Frame, "ResumeRefused", "an error")),
        _ => null,
    };

    private ClientRegistry.ResumeElsewhere ReadResumeElsewhere(byte[] bytes)
    {
        var token = "";
        RawJson? id = null;
        IActorRef? connection = null, registry = null;
        var forwarded = false;
        Read(bytes, (number, input) =>
        {
            switch (number)
            {
                case 1:
                    token = input.ReadString();
                    return true;
                case 2:
                    id = ReadJson(input);
                    return true;
                case 3:
                    connection = ReadRef(input, system);
                    return true;
                case 4:
                    registry = ReadRef(input, system);
                    return true;
                case 5:
                    forwarded = input.ReadBool();
                    return true;
                default:
                    return false;
            }
        });
        return new ClientRegistry.ResumeElsewhere(token, id, Required(connection, "ResumeElsewhere", "a connection"), Required(registry, "ResumeElsewhere", "a registry"), forwarded);
    }

    private ClientRegistry.Immigrate ReadImmigrate(byte[] bytes)
    {
        PlayerInfo? player = null;
        var rooms = new List<MovedSession.Seat>();
        var missed = new List<EncodedFrame>();
        IActorRef? connection = null;
        RawJson? id = null;
        var token = "";
        Read(bytes, (number, input) =>
        {
            switch (number)
            {
                case 1:
                    player = ReadPlayer(input);
                    return true;
                case 2:
                    rooms.Add(ReadSeat(input));
                    return true;
                case 3:
                    missed.Add(ReadFrame(input));
                    return true;
                case 4:
                    connection = ReadRef(input, system);
                    return true;
                case 5:
                    id = ReadJson(input);
                    return true;
                case 6:
                    token = input.ReadString();
                    return true;
                default:
                    return false;
            }
        });
        var session = new MovedSession(Required(player, "Immigrate", "a player"), rooms, missed);
        return new ClientRegistry.Immigrate(session, Required(connection, "Immigrate", "a connection"), id, token);
    }

    private MovedSession.Seat ReadSeat(CodedInputStream input)
    {
        var room = "";
        IActorRef? roomActor = null;
        Read(input.ReadBytes().Span, (number, field) =>
        {
            switch (number)
            {
                case 1:
                    room = field.ReadString();
                    return true;
                case 2:
                    roomActor = ReadRef(field, system);
                    return true;
                default:
                    return false;
            }
        });
        return new MovedSession.Seat(room, roomActor);
    }
}
