using ActorGameServer.Protocol;
using ActorGameServer.Server.Actors;
using Akka.TestKit;
using Newtonsoft.Json.Linq;

namespace ActorGameServer.Server.Tests.Rooms;

/// <summary>Reads what room actors send a client (a probe standing in for it) as the frames a player would see.</summary>
internal static class RoomFrames
{
    /// <summary>The next pushed or replied frame (<see cref="ClientActor.Send"/>), decoded.</summary>
    public static JObject NextFrame(this TestProbe client) => Decode(client.ExpectMsg<ClientActor.Send>().Frame);

    /// <summary>The next frame, which must have the given <c>cmd</c>.</summary>
    public static JObject NextFrame(this TestProbe client, string cmd)
    {
        var frame = client.NextFrame();
        Assert.Equal(cmd, (string?)frame["cmd"]);
        return frame;
    }

    /// <summary>The next frame, which must be an ERROR with <paramref name="code"/>.</summary>
    public static JObject NextError(this TestProbe client, string code)
    {
        var frame = client.NextFrame("ERROR");
        Assert.Equal(code, (string?)frame["message"]!["code"]);
        return frame;
    }

    public static JObject Decode(EncodedFrame frame) => Assert.Single(Support.WrittenFrames.Of(frame.ToLengthPrefixed()));

    /// <summary>The members of a JOINED or WHO frame as (user_id, name) pairs, in the order sent.</summary>
    public static (long UserId, string Name)[] Members(JObject frame) =>
        [.. frame["message"]!["members"]!.Select(m => ((long)m["user_id"]!, (string)m["name"]!))];
}
