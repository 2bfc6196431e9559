namespace Bot.Moderation;

/// <summary>Who moderates the bot, what prompts it rejects, and the GPU price for cost estimates.</summary>
public sealed class ModerationOptions
{
    public const string SectionName = "Moderation";

    /// <summary>Telegram user ids that moderate everywhere. Default: none.</summary>
    public List<long> TelegramUserIds { get; set; } = [];

    /// <summary>
    /// Telegram groups whose administrators (anonymous ones included) moderate. Default: none. Allowances and
    /// bans apply to the whole bot, so only groups the operator trusts belong here: anyone can add a bot to a
    /// group of their own and administer it.
    /// </summary>
    public List<long> TelegramAdminChatIds { get; set; } = [];

    /// <summary>Discord user ids that moderate everywhere. Default: none.</summary>
    public List<string> DiscordUserIds { get; set; } = [];

    /// <summary>Discord role ids whose members moderate. Default: none.</summary>
    public List<string> DiscordRoleIds { get; set; } = [];

    /// <summary>
    /// Discord servers whose members with Manage Server (or Administrator) moderate. Default: none. Only servers
    /// the operator trusts belong here, for the same reason as <see cref="TelegramAdminChatIds"/>.
    /// </summary>
    public List<string> DiscordManagerGuildIds { get; set; } = [];

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
