namespace Bot.Moderation;

/// <summary>Who moderates the bot, what prompts it rejects, and the GPU price for cost estimates.</summary>
public sealed class ModerationOptions
{
    public const string SectionName = "Moderation";

    /// <summary>Telegram user ids that moderate everywhere. Default: none.</summary>
    public List<long> TelegramUserIds { get; set; } = [];

    /// <summary>Whether a Telegram group's administrators (anonymous ones included) moderate. Default true.</summary>
    public bool TelegramChatAdministrators { get; set; } = true;

    /// <summary>Discord user ids that moderate everywhere. Default: none.</summary>
    public List<string> DiscordUserIds { get; set; } = [];

    /// <summary>Discord role ids whose members moderate. Default: none.</summary>
    public List<string> DiscordRoleIds { get; set; } = [];

    /// <summary>Whether Discord members with the Manage Server permission moderate. Default true.</summary>
    public bool DiscordManageServer { get; set; } = true;

    /// <summary>Words or phrases a prompt may not contain, matched as whole words, ignoring case. Default: none.</summary>
    public List<string> BlockedTerms { get; set; } = [];

    /// <summary>.NET regular expressions a prompt may not match, ignoring case. Default: none.</summary>
    public List<string> BlockedPatterns { get; set; } = [];

    /// <summary>
    /// The price of one GPU second on the endpoint, used by <c>stats</c> to estimate spend from RunPod's execution
    /// times. Default 0, which leaves the estimate out. Example: 0.00031 for a GPU at about 1.12 per hour.
    /// </summary>
    public decimal PricePerGpuSecond { get; set; }

    /// <summary>The currency the price is in, shown with the estimate. Default <c>USD</c>.</summary>
    public string Currency { get; set; } = "USD";
}
