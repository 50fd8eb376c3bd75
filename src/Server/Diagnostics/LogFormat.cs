namespace ActorGameServer.Server.Diagnostics;

/// <summary>How the server writes its log lines to stdout (<c>game-server.log-format</c>).</summary>
public enum LogFormat
{
    /// <summary>Akka's own one-line text format, for people reading a terminal.</summary>
    Text,

    /// <summary>One JSON object per line, for log shippers (<see cref="JsonLogFormatter"/>).</summary>
    Json,
}
