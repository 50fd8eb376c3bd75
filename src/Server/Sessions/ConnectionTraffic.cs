namespace ActorGameServer.Server.Sessions;

/// <summary>
/// What one connection carried, for the admin console's players table: plain fields, written
/// only by the actor that runs the connection (no lock needed), read by that actor when asked.
/// Bytes are frames as framed on TCP, the 4-byte length header included, whatever the transport.
/// </summary>
public sealed class ConnectionTraffic
{
    public DateTimeOffset ConnectedAt { get; } = DateTimeOffset.UtcNow;

    public long FramesIn { get; private set; }

    public long BytesIn { get; private set; }

    public long FramesOut { get; private set; }

    public long BytesOut { get; private set; }

    public void Received(int frameBytes)
    {
        FramesIn++;
        BytesIn += frameBytes;
    }

    public void Queued(int frameBytes)
    {
        FramesOut++;
        BytesOut += frameBytes;
    }
}
