namespace ActorGameServer.Server.Hosting;

/// <summary>Which health checks each endpoint runs: <c>/healthz</c> the live ones, <c>/readyz</c> the ready ones.</summary>
internal static class HealthTags
{
    public const string Live = "live";
    public const string Ready = "ready";
}
