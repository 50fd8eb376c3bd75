using System.Runtime.Serialization;
using ActorGameServer.Protocol;
using ActorGameServer.Server.Actors;
using Akka.Actor;
using Akka.Serialization;
using static ActorGameServer.Server.Clustering.ProtoWire;

namespace ActorGameServer.Server.Clustering;

/// <summary>
/// The binary form of the registry's and the clients' messages that cross nodes, bound to them
/// in hocon/server.hocon (never Akka's JSON fallback): a DIRECT on its way to the recipient's
/// node, a reply or push for a client on another node, a room's batch for the members on another
/// node, a sign-in that ends the account's connection on another node (auth.single-session). Protocol Buffers' wire format through <see cref="ProtoWire"/>: each message is a few
/// numbers and byte strings, so a .proto file and generated classes would be more code than this.
/// Field numbers are the contract between nodes of different versions: never reuse one. Frames
/// and JSON (<see cref="RawJson"/>) travel as their UTF-8 bytes, unparsed. The room messages have
/// their own serializer, next to the rooms.
/// </summary>
public sealed partial class ClusterMessageSerializer(ExtendedActorSystem actorSystem) : SerializerWithStringManifest(actorSystem)
{
    private const string DirectManifest = "D";
    private const string NoSuchUserManifest = "N";
    private const string SendManifest = "S";
    private const string RelayedManifest = "R";
    private const string RoomMovingManifest = "M";
    private const string RoomHereManifest = "H";
    private const string AccountSignedInManifest = "I";

    // Unique among the system's serializers; Akka reserves 0-40.
    public override int Identifier => 9300;

    public override string Manifest(object o) => o switch
    {
        ClientRegistry.Direct => DirectManifest,
        ClientRegistry.NoSuchUser => NoSuchUserManifest,
        ClientActor.Send => SendManifest,
        ClientActor.Relayed => RelayedManifest,
        ClientActor.RoomMoving => RoomMovingManifest,
        ClientActor.RoomHere => RoomHereManifest,
        ClientRegistry.AccountSignedIn => AccountSignedInManifest,
        _ => AdminManifest(o) ?? MoveManifest(o) ?? throw new ArgumentException($"{nameof(ClusterMessageSerializer)} cannot serialize {o.GetType()}", nameof(o)),
    };

    public override byte[] ToBinary(object obj) => Write(output =>
    {
        switch (obj)
        {
            case ClientRegistry.Direct direct:
                WriteInt64(output, 1, direct.From);
                WriteInt64(output, 2, direct.To);
                WriteJson(output, 3, direct.Data);
                WriteJson(output, 4, direct.Id);
                break;
            case ClientRegistry.NoSuchUser noSuchUser:
                WriteRef(output, 1, noSuchUser.ReplyTo);
                WriteInt64(output, 2, noSuchUser.To);
                WriteJson(output, 3, noSuchUser.Id);
                break;
            case ClientActor.Send send:
                WriteFrame(output, 1, send.Frame);
                break;
            case ClientActor.Relayed relayed:
                // The timestamps are the sending machine's (StageTimings): meaningless on another.
                foreach (var frame in relayed.Frames)
                {
                    WriteMessage(output, 1, f =>
                    {
                        WriteInt64(f, 1, frame.From);
                        WriteFrame(f, 2, frame.Frame);
                    });
                }

                break;
            case ClientActor.RoomMoving moving:
                WriteString(output, 1, moving.Room);
                break;
            case ClientActor.RoomHere here:
                WriteString(output, 1, here.Room);
                WriteRef(output, 2, here.RoomActor);
                break;
            case ClientRegistry.AccountSignedIn signedIn:
                WriteString(output, 1, signedIn.Account);
                WriteInt64(output, 2, signedIn.SignedInAt);
                WriteInt64(output, 3, signedIn.NodeNumber);
                break;
            default:
                if (!WriteAdmin(output, obj) && !WriteMove(output, obj))
                {
                    throw new ArgumentException($"{nameof(ClusterMessageSerializer)} cannot serialize {obj.GetType()}", nameof(obj));
                }

                break;
        }
    });

    public override object FromBinary(byte[] bytes, string manifest) => manifest switch
    {
        DirectManifest => ReadDirect(bytes),
        NoSuchUserManifest => ReadNoSuchUser(bytes),
        SendManifest => ReadSend(bytes),
        RelayedManifest => ReadRelayed(bytes),
        RoomMovingManifest or RoomHereManifest => ReadRoomChange(bytes, manifest),
        AccountSignedInManifest => ReadAccountSignedIn(bytes),
        _ => ReadAdmin(bytes, manifest) ?? ReadMove(bytes, manifest) ?? throw new SerializationException($"unknown manifest {manifest} for {nameof(ClusterMessageSerializer)}"),
    };

    private static ClientRegistry.Direct ReadDirect(byte[] bytes)
    {
        long from = 0, to = 0;
        RawJson? data = null, id = null;
        Read(bytes, (number, input) =>
        {
            switch (number)
            {
                case 1:
                    from = input.ReadInt64();
                    return true;
                case 2:
                    to = input.ReadInt64();
                    return true;
                case 3:
                    data = ReadJson(input);
                    return true;
                case 4:
                    id = ReadJson(input);
                    return true;
                default:
                    return false;
            }
        });
        return new ClientRegistry.Direct(from, to, data ?? RawJson.Null, id);
    }

    private ClientRegistry.NoSuchUser ReadNoSuchUser(byte[] bytes)
    {
        IActorRef? replyTo = null;
        long to = 0;
        RawJson? id = null;
        Read(bytes, (number, input) =>
        {
            switch (number)
            {
                case 1:
                    replyTo = ReadRef(input, system);
                    return true;
                case 2:
                    to = input.ReadInt64();
                    return true;
                case 3:
                    id = ReadJson(input);
                    return true;
                default:
                    return false;
            }
        });
        return new ClientRegistry.NoSuchUser(Required(replyTo, "NoSuchUser", "a reply_to"), to, id);
    }

    private object ReadRoomChange(byte[] bytes, string manifest)
    {
        var room = "";
        IActorRef? roomActor = null;
        Read(bytes, (number, input) =>
        {
            switch (number)
            {
                case 1:
                    room = input.ReadString();
                    return true;
                case 2:
                    roomActor = ReadRef(input, system);
                    return true;
                default:
                    return false;
            }
        });
        return manifest == RoomMovingManifest
            ? new ClientActor.RoomMoving(room)
            : new ClientActor.RoomHere(room, Required(roomActor, "RoomHere", "a room actor"));
    }

    private static ClientRegistry.AccountSignedIn ReadAccountSignedIn(byte[] bytes)
    {
        var account = "";
        long signedInAt = 0, nodeNumber = 0;
        Read(bytes, (number, input) =>
        {
            switch (number)
            {
                case 1:
                    account = input.ReadString();
                    return true;
                case 2:
                    signedInAt = input.ReadInt64();
                    return true;
                case 3:
                    nodeNumber = input.ReadInt64();
                    return true;
                default:
                    return false;
            }
        });
        return new ClientRegistry.AccountSignedIn(account, signedInAt, (int)nodeNumber);
    }

    private static ClientActor.Send ReadSend(byte[] bytes)
    {
        EncodedFrame? frame = null;
        Read(bytes, (number, input) =>
        {
            if (number != 1)
            {
                return false;
            }

            frame = ReadFrame(input);
            return true;
        });
        return new ClientActor.Send(Required(frame, "Send", "a frame"));
    }

    private static ClientActor.Relayed ReadRelayed(byte[] bytes)
    {
        var frames = new List<ClientActor.RelayedFrame>();
        Read(bytes, (number, input) =>
        {
            if (number != 1)
            {
                return false;
            }

            long from = 0;
            EncodedFrame? frame = null;
            Read(input.ReadBytes().Span, (field, nested) =>
            {
                switch (field)
                {
                    case 1:
                        from = nested.ReadInt64();
                        return true;
                    case 2:
                        frame = ReadFrame(nested);
                        return true;
                    default:
                        return false;
                }
            });
            frames.Add(new ClientActor.RelayedFrame(from, Required(frame, "a relayed frame", "its frame"), 0));
            return true;
        });
        return new ClientActor.Relayed(frames, 0);
    }
}
