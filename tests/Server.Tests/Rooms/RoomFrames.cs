using ActorGameServer.Protocol;
using ActorGameServer.Server.Actors;
using Akka.Actor;
using Akka.TestKit;
using Newtonsoft.Json.Linq;

namespace ActorGameServer.Server.Tests.Rooms;

/// <summary>Reads what room actors send a client (a probe standing in for it) as the frames a player would see.</summary>
internal static class RoomFrames
{
    /// <summary>The next pushed or replied frame (<see cref="ClientActor.Send"/>), decoded.</summary>
    public static JObject NextFrame(this TestProbe client) => Decode(client.ExpectMsg<ClientActor.Send>().Frame);

    /// <summary>The next frame, which must have the given <c>cmd</c>.</summary>
    public static JObject NextFrame(this TestProbe client, string cmd) => WithCmd(client.NextFrame(), cmd);

    /// <summary>The next frame, which must be an ERROR with <paramref name="code"/>.</summary>
    public static JObject NextError(this TestProbe client, string code) => WithCode(client.NextFrame("ERROR"), code);

    /// <summary>The next frame a member hears from its rooms, decoded.</summary>
    public static JObject NextFrame(this MemberProbe member) => Decode(member.Next());

    /// <summary>The next frame a member hears, which must have the given <c>cmd</c>.</summary>
    public static JObject NextFrame(this MemberProbe member, string cmd) => WithCmd(member.NextFrame(), cmd);

    /// <summary>The next frame a member hears, which must be an ERROR with <paramref name="code"/>.</summary>
    public static JObject NextError(this MemberProbe member, string code) => WithCode(member.NextFrame("ERROR"), code);

    private static JObject WithCmd(JObject frame, string cmd)
    {
        Assert.Equal(cmd, (string?)frame["cmd"]);
        return frame;
    }

    private static JObject WithCode(JObject frame, string code)
    {
        Assert.Equal(code, (string?)frame["message"]!["code"]);
        return frame;
    }

    public static JObject Decode(EncodedFrame frame) => Assert.Single(Support.WrittenFrames.Of(frame.ToLengthPrefixed()));

    /// <summary>The members of a JOINED or WHO frame as (user_id, name) pairs, in the order sent.</summary>
    public static (long UserId, string Name)[] Members(JObject frame) =>
        [.. frame["message"]!["members"]!.Select(m => ((long)m["user_id"]!, (string)m["name"]!))];
}

/// <summary>
/// A probe standing in for a room member's ClientActor, read the way a ClientActor reads what a
/// room sends: one <see cref="ClientActor.Relayed"/> message carries the frames of every relay
/// since the room's last flush, and a member skips the ones it relayed itself.
/// </summary>
internal sealed class MemberProbe(TestProbe probe, long userId)
{
    private readonly Queue<EncodedFrame> _relayed = new();

    public TestProbe Probe => probe;

    public IActorRef Ref => probe.Ref;

    /// <summary>The next frame this member would write to its player.</summary>
    public EncodedFrame Next()
    {
        while (_relayed.Count == 0)
        {
            switch (probe.ExpectMsg<object>())
            {
                case ClientActor.Send send:
                    return send.Frame;
                case ClientActor.Relayed relayed:
                    foreach (var frame in relayed.Frames.Where(f => f.From != userId))
                    {
                        _relayed.Enqueue(frame.Frame);
                    }

                    break;
                case var other:
                    Assert.Fail($"a member got {other.GetType().Name}, where a frame was expected");
                    break;
            }
        }

        return _relayed.Dequeue();
    }
}
