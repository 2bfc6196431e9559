namespace Bot.Telegram;

/// <summary>The Telegram bot: its token, the Bot API server, and the limits the adapter applies.</summary>
public sealed class TelegramOptions
{
    public const string SectionName = "Telegram";

    /// <summary>The token from @BotFather. Default: empty, which leaves Telegram off.</summary>
    public string? BotToken { get; set; }

    /// <summary>
    /// The Bot API server. Default <c>https://api.telegram.org</c>; point it at a self-hosted Bot API server to
    /// upload files larger than 50 MB.
    /// </summary>
    public Uri ApiBaseUrl { get; set; } = new("https://api.telegram.org");

    /// <summary>
    /// The largest video uploaded as a file, in bytes; larger videos are posted as a link when the worker gave
    /// one. Default 50000000 (Telegram's 50 MB limit for bots); up to 2000000000 with a self-hosted Bot API server.
    /// </summary>
    public long MaxUploadBytes { get; set; } = 50_000_000;

    /// <summary>
    /// The shortest time between two edits of one status message. Default 3 seconds; 1 second to 1 minute.
    /// Telegram allows about one message per second per chat and 20 per minute in a group.
    /// </summary>
    public TimeSpan StatusEditInterval { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>How long one <c>getUpdates</c> long poll waits for new messages. Default 30 seconds; 1 to 50 seconds.</summary>
    public TimeSpan PollTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long one Bot API call, a video upload included, may take. Default 5 minutes; 10 seconds to 1 hour.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromMinutes(5);

    public bool IsEnabled => !string.IsNullOrWhiteSpace(BotToken);
}
