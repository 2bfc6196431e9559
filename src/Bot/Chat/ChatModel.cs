namespace Bot.Chat;

/// <summary>A chat platform the bot serves, or the command line.</summary>
public enum ChatPlatform
{
    Telegram,
    Discord,
    Cli,
}

/// <summary>The person behind a command, as the platform identifies them.</summary>
/// <param name="Platform">The platform the id belongs to.</param>
/// <param name="Id">The platform's user id, as text.</param>
/// <param name="DisplayName">A name to show in logs and moderator views.</param>
/// <param name="IsChatModerator">Whether the platform says this user moderates the chat the command came from.</param>
public sealed record ChatUser(ChatPlatform Platform, string Id, string DisplayName, bool IsChatModerator = false)
{
    /// <summary>The key that identifies this user across the bot's tables: platform and id.</summary>
    public string Key => $"{Platform.ToString().ToLowerInvariant()}:{Id}";
}

/// <summary>Where replies to a command go.</summary>
/// <param name="ChatId">The chat (Telegram) or channel (Discord), or the output file for the command line.</param>
/// <param name="ThreadId">The forum topic or thread inside the chat, if any.</param>
/// <param name="RequestMessageId">The user's message that replies should quote, if any.</param>
public sealed record ChatTarget(string ChatId, string? ThreadId = null, string? RequestMessageId = null)
{
    /// <summary>The Discord interaction token, which edits the response and posts follow-ups until it expires.</summary>
    public string? InteractionToken { get; init; }

    /// <summary>When the interaction token stops working: 15 minutes after Discord sent the interaction.</summary>
    public DateTimeOffset? InteractionExpiresAt { get; init; }

    /// <summary>The upload limit the platform stated for this conversation, in bytes, if it stated one.</summary>
    public long? UploadLimit { get; init; }

    /// <summary>The job's status message, once it exists; later messages reply to it where the request has no message of its own.</summary>
    public string? StatusMessageId { get; init; }
}

/// <summary>A command translated from a platform event.</summary>
public abstract record ChatCommand(ChatUser User, ChatTarget Target);

/// <summary>A request for a video.</summary>
/// <param name="Prompt">The text after the command, as typed.</param>
/// <param name="Seed">A seed the user asked for, if any.</param>
/// <param name="RequestKey">A key unique to the platform message, so a re-delivered update never creates a second job.</param>
public sealed record GenerateCommand(ChatUser User, ChatTarget Target, string Prompt, string RequestKey, long? Seed = null)
    : ChatCommand(User, Target);

/// <summary>A request for the user's own allowance.</summary>
public sealed record ShowQuotaCommand(ChatUser User, ChatTarget Target) : ChatCommand(User, Target);

/// <summary>A request for the help text; <c>/start</c> maps here too.</summary>
public sealed record HelpCommand(ChatUser User, ChatTarget Target, bool IsStart = false) : ChatCommand(User, Target);

/// <summary>A request to cancel a job, from its Cancel button.</summary>
/// <param name="JobId">The job to cancel.</param>
public sealed record CancelCommand(ChatUser User, ChatTarget Target, long JobId) : ChatCommand(User, Target);
