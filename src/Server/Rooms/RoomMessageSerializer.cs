using System.Runtime.Serialization;
using ActorGameServer.Protocol;
using ActorGameServer.Server.Clustering;
using Akka.Actor;
using Akka.Serialization;
using Google.Protobuf;
using static ActorGameServer.Server.Clustering.ProtoWire;

namespace ActorGameServer.Server.Rooms;

/// <summary>
/// The binary form of the room messages that cross nodes (bound in hocon/server.hocon): between
/// the members' nodes and the node their room lives on. Protocol Buffers' wire format through
/// <see cref="ProtoWire"/>; field numbers are the contract between nodes of different versions,
/// never reuse one. Frames and JSON travel as their UTF-8 bytes, unparsed.
/// </summary>
public sealed class RoomMessageSerializer(ExtendedActorSystem actorSystem) : SerializerWithStringManifest(actorSystem)
{
    private const string JoinManifest = "RJ";
    private const string LeaveManifest = "RL";
    private const string RelayManifest = "RR";
    private const string WhoManifest = "RW";
    private const string WakeManifest = "RK";
    private const string MembersHereManifest = "RM";
    private const string FindMembersManifest = "DF";
    private const string AddedManifest = "LA";
    private const string RefusedManifest = "LR";
    private const string RemovedManifest = "LD";
    private const string PresenceJoinedManifest = "LJ";
    private const string PresenceLeftManifest = "LL";
    private const string ReplyManifest = "LY";
    private const string MovedManifest = "RO";
    private const string AwayOrBackManifest = "RA";
    private const string PresenceAboutManifest = "LP";
    private const string MoveMemberManifest = "RV";
    private const string ReboundManifest = "LB";
    private const string MovedAwayManifest = "LV";

    // Unique among the system's serializers; Akka reserves 0-40.
    public override int Identifier => 9301;

    public override string Manifest(object o) => o switch
    {
        RoomActor.Join => JoinManifest,
        RoomActor.Leave => LeaveManifest,
        RoomActor.Relay => RelayManifest,
        RoomActor.Who => WhoManifest,
        RoomActor.Wake => WakeManifest,
        RoomActor.MembersHere => MembersHereManifest,
        RoomDirectory.FindMembers => FindMembersManifest,
        LocalRoom.Added => AddedManifest,
        LocalRoom.Refused => RefusedManifest,
        LocalRoom.Removed => RemovedManifest,
        LocalRoom.PresenceJoined => PresenceJoinedManifest,
        LocalRoom.PresenceLeft => PresenceLeftManifest,
        LocalRoom.Reply => ReplyManifest,
        RoomActor.Moved => MovedManifest,
        RoomActor.AwayOrBack => AwayOrBackManifest,
        LocalRoom.PresenceAbout => PresenceAboutManifest,
        RoomActor.MoveMember => MoveMemberManifest,
        LocalRoom.Rebound => ReboundManifest,
        LocalRoom.MovedAway => MovedAwayManifest,
        _ => throw new ArgumentException($"{nameof(RoomMessageSerializer)} cannot serialize {o.GetType()}", nameof(o)),
    };

    public override byte[] ToBinary(object obj) => Write(output =>
    {
        switch (obj)
        {
            case RoomActor.Join join:
                WriteString(output, 1, join.Room);
                WritePlayer(output, 2, join.Player);
                WriteRef(output, 3, join.Client);
                WriteJson(output, 4, join.Id);
                break;
            case RoomActor.Leave leave:
                WriteString(output, 1, leave.Room);
                WriteInt64(output, 2, leave.UserId);
                WriteJson(output, 3, leave.Id);
                WriteBool(output, 4, leave.Reply);
                break;
            case RoomActor.Relay relay:
                // DispatchedAt is a timestamp of the sender's machine: meaningless on another.
                WriteString(output, 1, relay.Room);
                WriteInt64(output, 2, relay.From);
                WriteJson(output, 3, relay.Data);
                WriteJson(output, 4, relay.Id);
                break;
            case RoomActor.Who who:
                WriteString(output, 1, who.Room);
                WriteJson(output, 2, who.Id);
                WriteInt64(output, 3, who.AskedBy);
                break;
            case RoomActor.Wake wake:
                WriteString(output, 1, wake.Room);
                break;
            case RoomActor.MembersHere here:
                WriteString(output, 1, here.Room);
                foreach (var member in here.Members)
                {
                    WriteMessage(output, 2, m =>
                    {
                        WritePlayer(m, 1, member.Player);
                        WriteRef(m, 2, member.Client);
                    });
                }

                foreach (var known in here.Known)
                {
                    WritePlayer(output, 3, known);
                }

                break;
            case RoomDirectory.FindMembers find:
                WriteString(output, 1, find.Room);
                break;
            case LocalRoom.Added added:
                WriteInt64(output, 1, added.UserId);
                foreach (var player in added.Players)
                {
                    WritePlayer(output, 2, player);
                }

                WriteFrame(output, 3, added.Reply);
                break;
            case LocalRoom.Refused refused:
                WriteInt64(output, 1, refused.UserId);
                WriteFrame(output, 2, refused.Reply);
                break;
            case LocalRoom.Removed removed:
                WriteInt64(output, 1, removed.UserId);
                WriteFrame(output, 2, removed.Reply);
                break;
            case LocalRoom.PresenceJoined joined:
                WritePlayer(output, 1, joined.Player);
                WriteFrame(output, 2, joined.Frame);
                break;
            case LocalRoom.PresenceLeft left:
                WriteInt64(output, 1, left.UserId);
                WriteFrame(output, 2, left.Frame);
                break;
            case RoomActor.Moved:
                break; // Nothing but its type.
            case LocalRoom.Reply reply:
                WriteInt64(output, 1, reply.UserId);
                WriteFrame(output, 2, reply.Frame);
                break;
            case RoomActor.AwayOrBack awayOrBack:
                WriteString(output, 1, awayOrBack.Room);
                WriteInt64(output, 2, awayOrBack.UserId);
                WriteBool(output, 3, awayOrBack.Away);
                break;
            case LocalRoom.PresenceAbout about:
                WriteInt64(output, 1, about.UserId);
                WriteFrame(output, 2, about.Frame);
                break;
            case RoomActor.MoveMember move:
                WriteString(output, 1, move.Room);
                WritePlayer(output, 2, move.Player);
                WriteRef(output, 3, move.Client);
                break;
            case LocalRoom.Rebound rebound:
                WriteInt64(output, 1, rebound.UserId);
                WriteBool(output, 2, rebound.Member);
                break;
            case LocalRoom.MovedAway away:
                WriteInt64(output, 1, away.UserId);
                break;
            default:
                throw new ArgumentException($"{nameof(RoomMessageSerializer)} cannot serialize {obj.GetType()}", nameof(obj));
        }
    });

    public override object FromBinary(byte[] bytes, string manifest)
    {
        var m = new Fields();
        Read(bytes, (number, input) => m.Read(manifest, number, input, system));
        return manifest switch
        {
            JoinManifest => new RoomActor.Join(m.RoomName, Required(m.Player, "Join", "a player"), Required(m.Ref, "Join", "a client"), m.Json2),
            LeaveManifest => new RoomActor.Leave(m.RoomName, m.Number, m.Json1, m.Flag),
            RelayManifest => new RoomActor.Relay(m.RoomName, m.Number, m.Json1 ?? RawJson.Null, m.Json2),
            WhoManifest => new RoomActor.Who(m.RoomName, m.Json2, m.Number),
            WakeManifest => new RoomActor.Wake(m.RoomName),
            MembersHereManifest => new RoomActor.MembersHere(m.RoomName, m.Members, m.Players),
            FindMembersManifest => new RoomDirectory.FindMembers(m.RoomName),
            AddedManifest => new LocalRoom.Added(m.Number, m.Players, Required(m.Frame, "Added", "a reply")),
            RefusedManifest => new LocalRoom.Refused(m.Number, Required(m.Frame, "Refused", "a reply")),
            RemovedManifest => new LocalRoom.Removed(m.Number, m.Frame),
            PresenceJoinedManifest => new LocalRoom.PresenceJoined(Required(m.Player, "PresenceJoined", "a player"), Required(m.Frame, "PresenceJoined", "a frame")),
            PresenceLeftManifest => new LocalRoom.PresenceLeft(m.Number, Required(m.Frame, "PresenceLeft", "a frame")),
            MovedManifest => RoomActor.Moved.Instance,
            ReplyManifest => new LocalRoom.Reply(m.Number, Required(m.Frame, "Reply", "a frame")),
            AwayOrBackManifest => new RoomActor.AwayOrBack(m.RoomName, m.Number, m.Flag),
            PresenceAboutManifest => new LocalRoom.PresenceAbout(m.Number, Required(m.Frame, "PresenceAbout", "a frame")),
            MoveMemberManifest => new RoomActor.MoveMember(m.RoomName, Required(m.Player, "MoveMember", "a player"), Required(m.Ref, "MoveMember", "a client")),
            ReboundManifest => new LocalRoom.Rebound(m.Number, m.Flag),
            MovedAwayManifest => new LocalRoom.MovedAway(m.Number),
            _ => throw new SerializationException($"unknown manifest {manifest} for {nameof(RoomMessageSerializer)}"),
        };
    }

    /// <summary>
    /// The fields of one message as read, under the names of what they hold; which field number
    /// holds what depends on the message (the table in <see cref="Read"/>, the mirror of
    /// <see cref="ToBinary"/>).
    /// </summary>
    private sealed class Fields
    {
        public string RoomName { get; private set; } = "";
        public long Number { get; private set; }
        public bool Flag { get; private set; }
        public RawJson? Json1 { get; private set; }
        public RawJson? Json2 { get; private set; }
        public PlayerInfo? Player { get; private set; }
        public IActorRef? Ref { get; private set; }
        public EncodedFrame? Frame { get; private set; }
        public List<PlayerInfo> Players { get; } = [];
        public List<LocalRoom.Member> Members { get; } = [];

        public bool Read(string manifest, int number, CodedInputStream input, ExtendedActorSystem system)
        {
            switch (manifest, number)
            {
                case (JoinManifest or LeaveManifest or RelayManifest or WhoManifest or WakeManifest or MembersHereManifest or FindMembersManifest or AwayOrBackManifest or MoveMemberManifest, 1):
                    RoomName = input.ReadString();
                    break;
                case (JoinManifest or MoveMemberManifest, 2) or (PresenceJoinedManifest, 1):
                    Player = ReadPlayer(input);
                    break;
                case (JoinManifest or MoveMemberManifest, 3):
                    Ref = ReadRef(input, system);
                    break;
                case (JoinManifest, 4) or (RelayManifest, 4) or (WhoManifest, 2):
                    Json2 = ReadJson(input);
                    break;
                case (LeaveManifest or RelayManifest or AwayOrBackManifest, 2) or (WhoManifest, 3) or (AddedManifest or RefusedManifest or RemovedManifest or PresenceLeftManifest or ReplyManifest or PresenceAboutManifest or ReboundManifest or MovedAwayManifest, 1):
                    Number = input.ReadInt64();
                    break;
                case (LeaveManifest or RelayManifest, 3):
                    Json1 = ReadJson(input);
                    break;
                case (LeaveManifest, 4) or (AwayOrBackManifest, 3) or (ReboundManifest, 2):
                    Flag = input.ReadBool();
                    break;
                case (MembersHereManifest, 2):
                    Members.Add(ReadMember(input, system));
                    break;
                case (MembersHereManifest, 3) or (AddedManifest, 2):
                    Players.Add(ReadPlayer(input));
                    break;
                case (AddedManifest, 3) or (RefusedManifest or RemovedManifest or PresenceJoinedManifest or PresenceLeftManifest or ReplyManifest or PresenceAboutManifest, 2):
                    Frame = ReadFrame(input);
                    break;
                default:
                    return false;
            }

            return true;
        }

        private static LocalRoom.Member ReadMember(CodedInputStream input, ExtendedActorSystem system)
        {
            PlayerInfo? player = null;
            IActorRef? client = null;
            ProtoWire.Read(input.ReadBytes().Span, (number, field) =>
            {
                switch (number)
                {
                    case 1:
                        player = ReadPlayer(field);
                        return true;
                    case 2:
                        client = ReadRef(field, system);
                        return true;
                    default:
                        return false;
                }
            });
            return new LocalRoom.Member(Required(player, "a member", "a player"), Required(client, "a member", "a client"));
        }
    }
}
