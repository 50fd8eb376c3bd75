using ActorGameServer.Server.Actors;
using ActorGameServer.Server.Admin;
using Google.Protobuf;
using static ActorGameServer.Server.Clustering.ProtoWire;

namespace ActorGameServer.Server.Clustering;

/// <summary>The admin API's questions to every node's registry, and their answers (ClientRegistry.Admin.cs).</summary>
public sealed partial class ClusterMessageSerializer
{
    private const string GetNodeStatsManifest = "AS";
    private const string NodeStatsManifest = "AT";
    private const string ListPlayersManifest = "AL";
    private const string NodePlayersManifest = "AP";
    private const string KickPlayerManifest = "AK";
    private const string KickResultManifest = "AR";
    private const string BroadcastNoticeManifest = "AB";
    private const string NoticeSentManifest = "AN";

    private static string? AdminManifest(object o) => o switch
    {
        ClientRegistry.GetNodeStats => GetNodeStatsManifest,
        ClientRegistry.NodeStats => NodeStatsManifest,
        ClientRegistry.ListPlayers => ListPlayersManifest,
        ClientRegistry.NodePlayers => NodePlayersManifest,
        ClientRegistry.KickPlayer => KickPlayerManifest,
        ClientRegistry.KickResult => KickResultManifest,
        ClientRegistry.BroadcastNotice => BroadcastNoticeManifest,
        ClientRegistry.NoticeSent => NoticeSentManifest,
        _ => null,
    };

    /// <summary>Writes an admin message's fields; false when <paramref name="obj"/> is none.</summary>
    private static bool WriteAdmin(CodedOutputStream output, object obj)
    {
        switch (obj)
        {
            case ClientRegistry.GetNodeStats or ClientRegistry.ListPlayers:
                break; // No fields.
            case ClientRegistry.NodeStats stats:
                WriteInt64(output, 1, stats.PlayersOnline);
                WriteDouble(output, 2, stats.FramesInPerSecond);
                WriteDouble(output, 3, stats.FramesOutPerSecond);
                WriteDouble(output, 4, stats.UptimeSeconds);
                break;
            case ClientRegistry.NodePlayers players:
                foreach (var player in players.Players)
                {
                    WriteMessage(output, 1, p => WriteSnapshot(p, player));
                }

                break;
            case ClientRegistry.KickPlayer kick:
                WriteInt64(output, 1, kick.UserId);
                WriteString(output, 2, kick.Reason);
                WriteString(output, 3, kick.By);
                break;
            case ClientRegistry.KickResult result:
                WriteInt64(output, 1, result.UserId);
                WriteBool(output, 2, result.Found);
                break;
            case ClientRegistry.BroadcastNotice notice:
                WriteString(output, 1, notice.Message);
                WriteString(output, 2, notice.By);
                break;
            case ClientRegistry.NoticeSent sent:
                WriteInt64(output, 1, sent.Players);
                break;
            default:
                return false;
        }

        return true;
    }

    private static void WriteSnapshot(CodedOutputStream output, PlayerSnapshot player)
    {
        WriteInt64(output, 1, player.UserId);
        WriteString(output, 2, player.Name);
        WriteString(output, 3, player.Remote);
        WriteString(output, 4, player.Transport);
        foreach (var room in player.Rooms)
        {
            WriteString(output, 5, room);
        }

        WriteInt64(output, 6, player.ConnectedAt.UtcTicks);
        WriteInt64(output, 7, player.FramesIn);
        WriteInt64(output, 8, player.FramesOut);
        WriteInt64(output, 9, player.BytesIn);
        WriteInt64(output, 10, player.BytesOut);
    }

    private static object? ReadAdmin(byte[] bytes, string manifest) => manifest switch
    {
        GetNodeStatsManifest => ClientRegistry.GetNodeStats.Instance,
        ListPlayersManifest => ClientRegistry.ListPlayers.Instance,
        NodeStatsManifest => ReadNodeStats(bytes),
        NodePlayersManifest => ReadNodePlayers(bytes),
        KickPlayerManifest => ReadKickPlayer(bytes),
        KickResultManifest => ReadKickResult(bytes),
        BroadcastNoticeManifest => ReadBroadcastNotice(bytes),
        NoticeSentManifest => new ClientRegistry.NoticeSent((int)ReadSingleInt64(bytes)),
        _ => null,
    };

    private static ClientRegistry.NodeStats ReadNodeStats(byte[] bytes)
    {
        long players = 0;
        double framesIn = 0, framesOut = 0, uptime = 0;
        Read(bytes, (number, input) =>
        {
            switch (number)
            {
                case 1:
                    players = input.ReadInt64();
                    return true;
                case 2:
                    framesIn = input.ReadDouble();
                    return true;
                case 3:
                    framesOut = input.ReadDouble();
                    return true;
                case 4:
                    uptime = input.ReadDouble();
                    return true;
                default:
                    return false;
            }
        });
        return new ClientRegistry.NodeStats((int)players, framesIn, framesOut, uptime);
    }

    private static ClientRegistry.NodePlayers ReadNodePlayers(byte[] bytes)
    {
        var players = new List<PlayerSnapshot>();
        Read(bytes, (number, input) =>
        {
            if (number != 1)
            {
                return false;
            }

            players.Add(ReadSnapshot(input.ReadBytes().Span));
            return true;
        });
        return new ClientRegistry.NodePlayers(players);
    }

    private static PlayerSnapshot ReadSnapshot(ReadOnlySpan<byte> bytes)
    {
        long userId = 0, connectedAt = 0, framesIn = 0, framesOut = 0, bytesIn = 0, bytesOut = 0;
        string name = "", remote = "", transport = "";
        var rooms = new List<string>();
        Read(bytes, (number, input) =>
        {
            switch (number)
            {
                case 1:
                    userId = input.ReadInt64();
                    return true;
                case 2:
                    name = input.ReadString();
                    return true;
                case 3:
                    remote = input.ReadString();
                    return true;
                case 4:
                    transport = input.ReadString();
                    return true;
                case 5:
                    rooms.Add(input.ReadString());
                    return true;
                case 6:
                    connectedAt = input.ReadInt64();
                    return true;
                case 7:
                    framesIn = input.ReadInt64();
                    return true;
                case 8:
                    framesOut = input.ReadInt64();
                    return true;
                case 9:
                    bytesIn = input.ReadInt64();
                    return true;
                case 10:
                    bytesOut = input.ReadInt64();
                    return true;
                default:
                    return false;
            }
        });
        return new PlayerSnapshot(userId, name, remote, transport, rooms, new DateTimeOffset(connectedAt, TimeSpan.Zero), framesIn, framesOut, bytesIn, bytesOut);
    }

    private static ClientRegistry.KickPlayer ReadKickPlayer(byte[] bytes)
    {
        long userId = 0;
        string reason = "", by = "";
        Read(bytes, (number, input) =>
        {
            switch (number)
            {
                case 1:
                    userId = input.ReadInt64();
                    return true;
                case 2:
                    reason = input.ReadString();
                    return true;
                case 3:
                    by = input.ReadString();
                    return true;
                default:
                    return false;
            }
        });
        return new ClientRegistry.KickPlayer(userId, reason, by);
    }

    private static ClientRegistry.KickResult ReadKickResult(byte[] bytes)
    {
        long userId = 0;
        var found = false;
        Read(bytes, (number, input) =>
        {
            switch (number)
            {
                case 1:
                    userId = input.ReadInt64();
                    return true;
                case 2:
                    found = input.ReadBool();
                    return true;
                default:
                    return false;
            }
        });
        return new ClientRegistry.KickResult(userId, found);
    }

    private static ClientRegistry.BroadcastNotice ReadBroadcastNotice(byte[] bytes)
    {
        string message = "", by = "";
        Read(bytes, (number, input) =>
        {
            switch (number)
            {
                case 1:
                    message = input.ReadString();
                    return true;
                case 2:
                    by = input.ReadString();
                    return true;
                default:
                    return false;
            }
        });
        return new ClientRegistry.BroadcastNotice(message, by);
    }
}
