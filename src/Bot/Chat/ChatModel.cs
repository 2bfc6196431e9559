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
/// <param name="IsChatModerator">Whether the platform reports that this user moderates the chat the command came from.</param>
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

/// <summary>The frame orientation a user can pick; each maps to one of the task's sizes.</summary>
public enum VideoAspect
{
    Landscape,
    Portrait,
}

/// <summary>An image a user sent to be animated: a URL the worker can fetch, or the image itself.</summary>
/// <param name="Url">An HTTPS URL the worker can download, such as a Discord attachment's.</param>
/// <param name="Bytes">The image, when the platform's URL cannot be handed on (Telegram's contains the bot token).</param>
/// <param name="MediaType">The image's type, such as <c>image/png</c>.</param>
public sealed record ChatImage(Uri? Url, byte[]? Bytes, string MediaType);

/// <summary>A request for a video.</summary>
/// <param name="Prompt">The text after the command, as typed.</param>
/// <param name="RequestKey">A key unique to the platform message, so a re-delivered update never creates a second job.</param>
/// <param name="Seed">The seed the user requested, if any.</param>
/// <param name="Aspect">The orientation the user requested; the configured size when empty.</param>
/// <param name="NegativePrompt">What the video should not show, if the user gave it.</param>
/// <param name="Image">An image to animate, if the user sent one.</param>
public sealed record GenerateCommand(
    ChatUser User,
    ChatTarget Target,
    string Prompt,
    string RequestKey,
    long? Seed = null,
    VideoAspect? Aspect = null,
    string? NegativePrompt = null,
    ChatImage? Image = null)
    : ChatCommand(User, Target);

/// <summary>A request for the same video again with a new seed, from a delivered video's Re-roll button.</summary>
/// <param name="JobId">The delivered job to repeat.</param>
/// <param name="RequestKey">A key unique to the button press, so a re-delivered press never creates a second job.</param>
public sealed record RerollCommand(ChatUser User, ChatTarget Target, long JobId, string RequestKey) : ChatCommand(User, Target);

/// <summary>A request for a user's recent jobs: one's own, or, for a moderator, another user's.</summary>
/// <param name="Subject">The user whose jobs a moderator asked for; the sender's own when empty.</param>
public sealed record ListJobsCommand(ChatUser User, ChatTarget Target, UserRef? Subject = null) : ChatCommand(User, Target);

/// <summary>Another user that a moderator command is about.</summary>
/// <param name="DisplayName">The name the platform showed, if it showed one.</param>
public sealed record UserRef(ChatPlatform Platform, string Id, string? DisplayName = null)
{
    public string Key => $"{Platform.ToString().ToLowerInvariant()}:{Id}";

    public override string ToString() => DisplayName is { Length: > 0 } name ? $"{name} ({Id})" : Id;
}

/// <summary>A request for the user's own allowance.</summary>
public sealed record ShowQuotaCommand(ChatUser User, ChatTarget Target) : ChatCommand(User, Target);

/// <summary>A request for the help text; <c>/start</c> maps here too.</summary>
public sealed record HelpCommand(ChatUser User, ChatTarget Target, bool IsStart = false) : ChatCommand(User, Target);

/// <summary>A request to cancel a job, from its Cancel button or the cancel command.</summary>
/// <param name="JobId">The job to cancel; the sender's latest unfinished job when empty.</param>
/// <param name="RepliedMessageId">The message the command replied to, such as a job's status or request; it names the job when <paramref name="JobId"/> is empty.</param>
public sealed record CancelCommand(ChatUser User, ChatTarget Target, long? JobId, string? RepliedMessageId = null) : ChatCommand(User, Target);

/// <summary>A command the adapter could not read, with a message that explains what to fix.</summary>
/// <param name="ModeratorsOnly">Whether it was a moderator command, so other users get only the reply that it is for moderators.</param>
public sealed record InvalidCommand(ChatUser User, ChatTarget Target, string Message, bool ModeratorsOnly = false) : ChatCommand(User, Target);

/// <summary>The actions of the moderator commands.</summary>
public enum ModeratorAction
{
    QuotaShow,
    QuotaSet,
    QuotaGrant,
    QuotaReset,
    Ban,
    Unban,
    Stats,
    Pause,
    Resume,
    Audit,
}

/// <summary>A moderator command. The core checks <see cref="ChatUser.IsChatModerator"/> before it changes anything, whatever the platform showed the sender.</summary>
/// <param name="Subject">The user the command is about, for the quota, ban and audit actions.</param>
/// <param name="Number">The allowance for <c>quota set</c> or the videos for <c>quota grant</c>.</param>
/// <param name="Text">The reason for a ban, or the message users see while paused.</param>
public sealed record ModerateCommand(
    ChatUser User,
    ChatTarget Target,
    ModeratorAction Action,
    UserRef? Subject = null,
    int? Number = null,
    string? Text = null)
    : ChatCommand(User, Target);
