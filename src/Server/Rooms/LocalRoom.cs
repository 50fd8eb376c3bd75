using ActorGameServer.Protocol;
using ActorGameServer.Server.Actors;
using ActorGameServer.Server.Diagnostics;
using Akka.Actor;

namespace ActorGameServer.Server.Rooms;

/// <summary>
/// This node's part of one room: the room's members whose connections are here. The
/// <see cref="RoomActor"/>, on whichever node it lives, sends each of its batches and presence
/// notices once per node, to that node's LocalRoom, which hands them to its members' ClientActors.
/// It also keeps who is in the whole room, so that a room that comes back after its node died can
/// tell its members who left with that node. Created by the <see cref="RoomDirectory"/> for a
/// JOIN; retired by it once the last local member is gone.
/// </summary>
public sealed class LocalRoom : UntypedActor, IWithTimers
{
    /// <summary>
    /// How often a room that stopped under its members is woken until a new incarnation asks who
    /// is here. The first wake can be lost: after a crash, the shard region may still route to
    /// the dead node for a moment after this LocalRoom learned the room is gone.
    /// </summary>
    public static readonly TimeSpan WakeInterval = TimeSpan.FromSeconds(1);

    /// <summary>A member on this node, as a starting room is told of it.</summary>
    public sealed record Member(PlayerInfo Player, IActorRef Client);

    /// <summary>The room accepted a JOIN from here; <paramref name="Players"/> is everyone in it now, <paramref name="Reply"/> the JOINED frame.</summary>
    public sealed record Added(long UserId, IReadOnlyList<PlayerInfo> Players, EncodedFrame Reply);

    /// <summary>The room refused a JOIN from here; <paramref name="Reply"/> is the ERROR frame.</summary>
    public sealed record Refused(long UserId, EncodedFrame Reply);

    /// <summary>A member from here is no longer in the room; <paramref name="Reply"/> is LEFT when it asked to leave.</summary>
    public sealed record Removed(long UserId, EncodedFrame? Reply);

    /// <summary>A reply for a member from here, in order after what the room sent it before.</summary>
    public sealed record Reply(long UserId, EncodedFrame Frame);

    /// <summary>Someone (on any node) joined; <paramref name="Frame"/> is the PRESENCE for the members here.</summary>
    public sealed record PresenceJoined(PlayerInfo Player, EncodedFrame Frame);

    /// <summary>Someone (on any node) left; <paramref name="Frame"/> is the PRESENCE for the members here.</summary>
    public sealed record PresenceLeft(long UserId, EncodedFrame Frame);

    /// <summary>News about one member (away, back) for everyone here but that member.</summary>
    public sealed record PresenceAbout(long UserId, EncodedFrame Frame);

    /// <summary>
    /// The room's answer to <see cref="RoomActor.MoveMember"/> from here: the moved session is this
    /// node's member now, or (<paramref name="Member"/> false) it was no longer in the room.
    /// </summary>
    public sealed record Rebound(long UserId, bool Member);

    /// <summary>
    /// A member from here moved to another node: the room sends nothing more for it this way, and
    /// its session, which forwards what came here, is told so.
    /// </summary>
    public sealed record MovedAway(long UserId);

    private readonly string _room;
    private readonly IActorRef _region;
    private readonly Dictionary<long, Member> _members = [];
    // The members this room has added to the room_members gauge.
    private int _membersCounted;
    private readonly Dictionary<long, Member> _joining = [];
    private readonly Dictionary<IActorRef, long> _userIdsByClient = [];
    private readonly Dictionary<long, PlayerInfo> _everyone = [];
    private IActorRef? _roomActor; // The room's current incarnation, watched while there are members here.
    private long _joinsSeen;

    /// <summary>Time to wake the room again: no new incarnation has asked yet.</summary>
    private sealed class WakeAgain
    {
        public static readonly WakeAgain Instance = new();
    }

    /// <param name="region">The rooms' shard region on this node, which delivers to the room wherever it lives.</param>
    public LocalRoom(string room, IActorRef region)
    {
        _room = room;
        _region = region;
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(string room, IActorRef region) => Akka.Actor.Props.Create(() => new LocalRoom(room, region));

    /// <summary>
    /// Reports member count changes to the <c>game_server_room_members</c> gauge after each
    /// message, whichever case changed it: one comparison per message, no bookkeeping in each.
    /// </summary>
    protected override bool AroundReceive(Receive receive, object message)
    {
        var handled = base.AroundReceive(receive, message);
        if (_members.Count != _membersCounted)
        {
            GameMetrics.RoomMembersChanged(_members.Count - _membersCounted);
            _membersCounted = _members.Count;
        }

        return handled;
    }

    protected override void PostStop() => GameMetrics.RoomMembersChanged(-_membersCounted);

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case ClientActor.Relayed relayed:
                TellMembers(relayed);
                break;
            case PresenceJoined joined:
                _everyone[joined.Player.UserId] = joined.Player;
                TellMembers(new ClientActor.Send(joined.Frame));
                break;
            case PresenceLeft left:
                _everyone.Remove(left.UserId);
                TellMembers(new ClientActor.Send(left.Frame));
                break;
            case PresenceAbout about:
                var aboutFrame = new ClientActor.Send(about.Frame);
                foreach (var (userId, member) in _members)
                {
                    if (userId != about.UserId)
                    {
                        member.Client.Tell(aboutFrame);
                    }
                }

                break;
            case Reply reply when _members.TryGetValue(reply.UserId, out var asker):
                asker.Client.Tell(new ClientActor.Send(reply.Frame));
                break;
            case RoomDirectory.Join join:
                OnJoin(join);
                break;
            case Added added:
                OnAdded(added);
                break;
            case RoomDirectory.MoveIn moveIn:
                OnMoveIn(moveIn);
                break;
            case Rebound rebound when _joining.Remove(rebound.UserId, out var movedIn):
                if (rebound.Member)
                {
                    WatchRoomIfNone(Sender);
                    _members[rebound.UserId] = movedIn;
                }
                else
                {
                    ForgetIfGone(rebound.UserId, movedIn.Client);
                    ReportIfEmpty();
                }

                movedIn.Client.Tell(new ClientActor.RoomRebound(_room, rebound.Member ? Sender : null));
                break;
            case MovedAway away when _members.Remove(away.UserId, out var movedAway):
                movedAway.Client.Tell(new ClientActor.RoomMovedAway(_room));
                ForgetIfGone(away.UserId, movedAway.Client);
                ReportIfEmpty();
                break;
            case Refused refused when _joining.Remove(refused.UserId, out var refusedMember):
                refusedMember.Client.Tell(new ClientActor.JoinRefused(_room, refused.Reply));
                ForgetIfGone(refused.UserId, refusedMember.Client);
                ReportIfEmpty();
                break;
            case Removed removed when _members.Remove(removed.UserId, out var removedMember):
                if (removed.Reply is { } leftFrame)
                {
                    removedMember.Client.Tell(new ClientActor.Send(leftFrame));
                }

                ForgetIfGone(removed.UserId, removedMember.Client);
                ReportIfEmpty();
                break;
            case RoomDirectory.FindMembers:
                // A new incarnation of the room is starting: from now on it is the one to watch.
                WatchRoom(Sender);
                Sender.Tell(new RoomActor.MembersHere(_room, [.. _members.Values], [.. _everyone.Values]));
                break;
            case Terminated terminated when _userIdsByClient.Remove(terminated.ActorRef, out var userId):
                // The player's connection ended: it leaves the room as if it had sent LEAVE,
                // without the reply. A JOIN still on its way is answered first (the room gets both
                // from here, in order), and that answer then finds nobody to tell.
                _members.Remove(userId);
                _joining.Remove(userId);
                _region.Tell(new RoomActor.Leave(_room, userId, null, Reply: false));
                ReportIfEmpty();
                break;
            case Terminated terminated when terminated.ActorRef.Equals(_roomActor):
                // The room stopped under its members (its node stopped or died, or its shard moved):
                // any message starts it again, and it finds them here.
                _roomActor = null;
                if (_members.Count > 0 || _joining.Count > 0)
                {
                    _region.Tell(new RoomActor.Wake(_room));
                    Timers.StartPeriodicTimer(nameof(WakeAgain), WakeAgain.Instance, WakeInterval);
                }

                break;
            case WakeAgain when _members.Count > 0 || _joining.Count > 0:
                _region.Tell(new RoomActor.Wake(_room));
                break;
            case WakeAgain:
                Timers.Cancel(nameof(WakeAgain));
                break;
            case Refused or Removed or Reply or Terminated or Rebound or MovedAway:
                break; // About a player whose connection already ended, or a room since replaced.
            default:
                Unhandled(message);
                break;
        }
    }

    private void OnJoin(RoomDirectory.Join join)
    {
        _joinsSeen++;
        var member = new Member(join.Player, join.Client);
        _joining[join.Player.UserId] = member;
        if (_userIdsByClient.TryAdd(join.Client, join.Player.UserId))
        {
            Context.Watch(join.Client);
        }

        _region.Tell(new RoomActor.Join(_room, join.Player, join.Client, join.Id));
    }

    /// <summary>A session that moved here from another node takes its seat over (<see cref="RoomActor.MoveMember"/>).</summary>
    private void OnMoveIn(RoomDirectory.MoveIn moveIn)
    {
        _joinsSeen++;
        _joining[moveIn.Player.UserId] = new Member(moveIn.Player, moveIn.Client);
        if (_userIdsByClient.TryAdd(moveIn.Client, moveIn.Player.UserId))
        {
            Context.Watch(moveIn.Client);
        }

        _region.Tell(new RoomActor.MoveMember(_room, moveIn.Player, moveIn.Client));
    }

    private void OnAdded(Added added)
    {
        WatchRoomIfNone(Sender);

        _everyone.Clear();
        foreach (var player in added.Players)
        {
            _everyone[player.UserId] = player;
        }

        if (_joining.Remove(added.UserId, out var member))
        {
            _members[added.UserId] = member;
            // Requests go straight to the room, on whichever node: one hop to it, never through
            // the shard regions, which may drop what reaches a room's old node in a hand-off.
            // Before the room stops or moves it tells its members to hold their requests
            // (RoomActor.Moving), and its next incarnation tells them where it is.
            member.Client.Tell(new ClientActor.JoinedRoom(_room, Sender, added.Reply));
            if (_roomActor is not null && !Sender.Equals(_roomActor))
            {
                // Accepted by an incarnation that has since stopped, after the next one asked
                // who is here: it learns of the member now.
                _roomActor.Tell(new RoomActor.MembersHere(_room, [member], [.. _everyone.Values]));
            }
        }
    }

    private void WatchRoomIfNone(IActorRef roomActor)
    {
        if (_roomActor is null)
        {
            WatchRoom(roomActor);
        }
    }

    private void WatchRoom(IActorRef roomActor)
    {
        Timers.Cancel(nameof(WakeAgain)); // A new incarnation: awake.
        if (!roomActor.Equals(_roomActor))
        {
            if (_roomActor is not null)
            {
                Context.Unwatch(_roomActor);
            }

            _roomActor = roomActor;
            Context.Watch(roomActor);
        }
    }

    /// <summary>Stops watching a client that is neither in this room nor joining it any more.</summary>
    private void ForgetIfGone(long userId, IActorRef client)
    {
        if (!_members.ContainsKey(userId) && !_joining.ContainsKey(userId) && _userIdsByClient.Remove(client))
        {
            Context.Unwatch(client);
        }
    }

    private void ReportIfEmpty()
    {
        if (_members.Count == 0 && _joining.Count == 0)
        {
            Context.Parent.Tell(new RoomDirectory.LocalRoomEmpty(_room, _joinsSeen));
        }
    }

    /// <summary>The same message to every member here (one object for all of them).</summary>
    private void TellMembers(object message)
    {
        foreach (var member in _members.Values)
        {
            member.Client.Tell(message);
        }
    }
}
