namespace ActorGameServer.LoadTest;

/// <summary>
/// What the flooders saw, summed over all of them and all their connections: how the server
/// answered (PONGs, rate_limited and other ERRORs) and how each connection ended: a clean FIN,
/// a reset, or still open when the run ended; and whether the last frame before the close was
/// an ERROR (the server telling the flooder why).
/// </summary>
internal sealed class FloodReport
{
    private long _pingsSent;

    public long Connections { get; set; }

    public double ConnectedSeconds { get; set; }

    /// <summary>PINGs written (the sender adds from its own task, hence Interlocked).</summary>
    public long PingsSent => Interlocked.Read(ref _pingsSent);

    public long Pongs { get; set; }

    public long RateLimitedErrors { get; set; }

    public long OtherErrors { get; set; }

    public long ClosedByFin { get; set; }

    public long ClosedByReset { get; set; }

    public long ClosedOtherwise { get; set; }

    public long OpenAtEnd { get; set; }

    /// <summary>Closes (FIN or reset) whose last frame before the close was an ERROR.</summary>
    public long ClosedAfterError { get; set; }

    /// <summary>The first ERROR message seen as the last frame before a close (or why a close was neither FIN nor reset).</summary>
    public string? LastErrorBeforeClose { get; set; }

    /// <summary>rate_limited ERRORs per second of connection: at most 1 when the server sends one a second.</summary>
    public double RateLimitedPerConnectedSecond => ConnectedSeconds > 0 ? Math.Round(RateLimitedErrors / ConnectedSeconds, 2) : 0;

    public void AddPingsSent(long count) => Interlocked.Add(ref _pingsSent, count);

    public static FloodReport Sum(IEnumerable<FloodReport> reports)
    {
        var sum = new FloodReport();
        foreach (var r in reports)
        {
            sum.Connections += r.Connections;
            sum.ConnectedSeconds += r.ConnectedSeconds;
            sum.AddPingsSent(r.PingsSent);
            sum.Pongs += r.Pongs;
            sum.RateLimitedErrors += r.RateLimitedErrors;
            sum.OtherErrors += r.OtherErrors;
            sum.ClosedByFin += r.ClosedByFin;
            sum.ClosedByReset += r.ClosedByReset;
            sum.ClosedOtherwise += r.ClosedOtherwise;
            sum.OpenAtEnd += r.OpenAtEnd;
            sum.ClosedAfterError += r.ClosedAfterError;
            sum.LastErrorBeforeClose ??= r.LastErrorBeforeClose;
        }

        sum.ConnectedSeconds = Math.Round(sum.ConnectedSeconds, 2);
        return sum;
    }

    public override string ToString() =>
        $"{Connections} connections, {PingsSent} PINGs sent; got {Pongs} PONGs, {RateLimitedErrors} rate_limited ERRORs " +
        $"({RateLimitedPerConnectedSecond:0.##} per connected second), {OtherErrors} other ERRORs; closed by the server: " +
        $"{ClosedByFin} FIN, {ClosedByReset} reset{(ClosedOtherwise > 0 ? $", {ClosedOtherwise} otherwise" : "")}, " +
        $"{ClosedAfterError} of them right after an ERROR; {OpenAtEnd} still open at the end";
}
