using System.Text;

namespace ActorGameServer.Server.Configuration;

/// <summary>
/// The <c>game-server.admin</c> section: the admin API under <c>/admin</c> on the HTTP listener,
/// on only when a token is set (src/Server/Hosting/AdminApi.cs).
/// </summary>
public sealed record AdminSettings
{
    /// <summary>Shorter tokens are refused at start-up: a guessable token is worse than none.</summary>
    public const int MinTokenLength = 16;

    /// <summary>The Bearer token every <c>/admin/api</c> request must carry; empty turns the admin API off.</summary>
    public required string Token { get; init; }

    public bool Enabled => Token.Length > 0;

    /// <summary>Checks the token without ever putting it in the message.</summary>
    public static AdminSettings From(string token)
    {
        token = token.Trim();
        if (token.Length is > 0 and < MinTokenLength)
        {
            throw new ConfigurationException(
                $"{GameServerSettings.Section}.admin.token (or GAME_SERVER_ADMIN_TOKEN) is {token.Length} characters long; "
                + $"it must be at least {MinTokenLength} (e.g. openssl rand -hex 32), or empty to turn the admin API off");
        }

        return new AdminSettings { Token = token };
    }

    /// <summary>Records print every property; this one must never show the token (settings may be logged).</summary>
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Enabled = ").Append(Enabled);
        return true;
    }
}
