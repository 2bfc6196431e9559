namespace Bot.Discord;

/// <summary>The Discord bot: its token, where its commands are registered, its shard, and the API addresses.</summary>
public sealed class DiscordOptions
{
    public const string SectionName = "Discord";

    /// <summary>The bot token from the Developer Portal's Bot page. Default: empty, which leaves Discord off.</summary>
    public string? BotToken { get; set; }

    /// <summary>
    /// Servers to register the commands in, where they appear at once. Default: empty, which registers them
    /// globally for every server the bot is in.
    /// </summary>
    public List<string> GuildIds { get; set; } = [];

    /// <summary>This process's shard, from 0 to <see cref="ShardCount"/> − 1. Default 0.</summary>
    public int ShardId { get; set; }

    /// <summary>The number of shards; Discord requires sharding from 2500 servers on. Default 1.</summary>
    public int ShardCount { get; set; } = 1;

    /// <summary>The HTTP API base, with its version. Default <c>https://discord.com/api/v10</c>; a rate-limit proxy can go here.</summary>
    public Uri RestBaseUrl { get; set; } = new("https://discord.com/api/v10");

    /// <summary>A fixed gateway URL. Default: empty, which takes the URL from <c>GET /gateway/bot</c>.</summary>
    public Uri? GatewayUrl { get; set; }

    /// <summary>The shortest time between two edits of one status message. Default 3 seconds; 1 second to 1 minute.</summary>
    public TimeSpan StatusEditInterval { get; set; } = TimeSpan.FromSeconds(3);

    public bool IsEnabled => !string.IsNullOrWhiteSpace(BotToken);
}
