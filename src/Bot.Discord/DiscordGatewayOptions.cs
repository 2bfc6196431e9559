namespace Bot.Discord;

/// <summary>How the gateway client identifies and reconnects.</summary>
public sealed class DiscordGatewayOptions
{
    public string Token { get; set; } = string.Empty;

    /// <summary>The gateway intents. Default 0: interactions arrive without any intent.</summary>
    public int Intents { get; set; }

    public int ShardId { get; set; }

    public int ShardCount { get; set; } = 1;

    /// <summary>A fixed gateway URL; when empty, the URL from <c>GET /gateway/bot</c> is used and cached.</summary>
    public Uri? GatewayUrl { get; set; }

    /// <summary>The longest wait between reconnect attempts; the wait doubles from 1 second up to it, with jitter.</summary>
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The range of the random wait before identifying again after an invalid session. Discord's current docs
    /// give no wait; older docs and libraries wait 1 to 5 seconds, which is the default.
    /// </summary>
    public TimeSpan InvalidSessionDelayMin { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan InvalidSessionDelayMax { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The name sent as the <c>browser</c> and <c>device</c> connection properties.</summary>
    public string ClientName { get; set; } = "runpod-video-bot";
}
