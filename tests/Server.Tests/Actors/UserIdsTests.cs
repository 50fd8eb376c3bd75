using ActorGameServer.Server.Actors;

namespace ActorGameServer.Server.Tests.Actors;

public sealed class UserIdsTests
{
    private const long TwoTo53 = 1L << 53;

    [Fact]
    public void The_first_member_of_a_cluster_hands_out_1_2_3_like_a_single_server()
    {
        var ids = new UserIds(nodeNumber: 1);

        Assert.Equal([1L, 2L, 3L], [ids.Next()!.Value, ids.Next()!.Value, ids.Next()!.Value]);
    }

    [Fact]
    public void Members_with_different_up_numbers_never_hand_out_the_same_id()
    {
        var first = new UserIds(1);
        var second = new UserIds(2);
        var third = new UserIds(3);

        var ids = Enumerable.Range(0, 1000).SelectMany(_ => new[] { first.Next()!.Value, second.Next()!.Value, third.Next()!.Value }).ToList();

        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(4_294_967_297L, new UserIds(2).First);
        Assert.All(ids, id => Assert.InRange(UserIds.NodeOf(id), 1, 3));
        Assert.Equal(2, UserIds.NodeOf(second.Next()!.Value));
    }

    [Fact]
    public void Every_id_of_every_allowed_up_number_stays_below_2_to_the_53_which_Godot_3_reads_exactly()
    {
        var last = new UserIds(UserIds.MaxNodeNumber);

        Assert.InRange(last.Last, 1, TwoTo53 - 1);
        Assert.Equal((double)last.Last, Math.Round((double)last.Last)); // A double holds it exactly.
        Assert.Equal(last.Last, (long)(double)last.Last);
        Assert.Equal(UserIds.MaxNodeNumber, UserIds.NodeOf(last.Last));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(UserIds.MaxNodeNumber + 1)]
    public void An_up_number_whose_ids_would_not_fit_is_refused(int nodeNumber) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new UserIds(nodeNumber));
}
