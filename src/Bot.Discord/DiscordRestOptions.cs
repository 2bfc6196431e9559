namespace Bot.Discord;

/// <summary>Where the HTTP API is and how the client behaves when Discord limits it.</summary>
public sealed class DiscordRestOptions
{
    /// <summary>The API base, with its version. Default <c>https://discord.com/api/v10</c>.</summary>
    public Uri BaseUrl { get; set; } = new("https://discord.com/api/v10");

    /// <summary>The bot token, sent as <c>Authorization: Bot …</c>.</summary>
    public string Token { get; set; } = string.Empty;

    /// <summary>The <c>User-Agent</c>; Discord requires the form <c>DiscordBot (url, version)</c>.</summary>
    public string UserAgent { get; set; } = "DiscordBot (runpod-video-bot, 1.0)";

    /// <summary>How many times a request that got 429 is sent again. Default 3.</summary>
    public int MaxRateLimitRetries { get; set; } = 3;

    /// <summary>
    /// The pause after a 429 whose body is not JSON, such as a Cloudflare ban page with no <c>Retry-After</c>.
    /// Default 60 seconds.
    /// </summary>
    public TimeSpan HardBackoff { get; set; } = TimeSpan.FromSeconds(60);
}
