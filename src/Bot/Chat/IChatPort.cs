namespace Bot.Chat;

/// <summary>
/// The way the core talks back to one platform. Each adapter implements it. The core uses no platform
/// types, and adapters do not touch the database.
/// </summary>
public interface IChatPort
{
    ChatPlatform Platform { get; }

    /// <summary>The shortest time between two edits of one status message on this platform.</summary>
    TimeSpan StatusEditInterval { get; }

    /// <summary>Returns the largest file, in bytes, this platform accepts as an upload to <paramref name="target"/>.</summary>
    long GetUploadLimit(ChatTarget target);

    /// <summary>
    /// Sends the first reply to a command (a job's status message, or a reply such as the quota) and returns
    /// its id. On Discord it replaces the deferred "thinking…" response.
    /// </summary>
    /// <exception cref="ChatSendException">The platform rejected the message or could not be reached.</exception>
    Task<string> SendReplyAsync(ChatTarget target, ChatText text, CancellationToken cancellationToken);

    /// <summary>Sends a further message in the conversation, such as a download link, and returns its id.</summary>
    /// <exception cref="ChatSendException">The platform rejected the message or could not be reached.</exception>
    Task<string> SendMessageAsync(ChatTarget target, ChatText text, CancellationToken cancellationToken);

    /// <summary>Replaces the text of a message sent earlier.</summary>
    /// <exception cref="ChatSendException">
    /// The edit failed; <see cref="ChatSendFailure.MessageNotFound"/> means the message is gone and a new one is needed.
    /// </exception>
    Task EditMessageAsync(ChatTarget target, string messageId, ChatText text, CancellationToken cancellationToken);

    /// <summary>Uploads a video as a reply to the request, and returns the new message's id.</summary>
    /// <exception cref="ChatSendException">The upload failed.</exception>
    Task<string> SendVideoAsync(ChatTarget target, VideoFile video, ChatText caption, CancellationToken cancellationToken);
}

/// <summary>Why a platform call failed, in the terms the core acts on.</summary>
public enum ChatSendFailure
{
    /// <summary>The request certainly did not arrive (connection refused, DNS); sending again is safe.</summary>
    NotSent,

    /// <summary>The platform asked the bot to slow down; <see cref="ChatSendException.RetryAfter"/> gives how long.</summary>
    RateLimited,

    /// <summary>The file is over the platform's upload limit.</summary>
    TooLarge,

    /// <summary>The message to edit no longer exists.</summary>
    MessageNotFound,

    /// <summary>The bot may not post in this chat (blocked, kicked, missing permission).</summary>
    Forbidden,

    /// <summary>The outcome is unknown (a timeout after the request was sent) or the platform rejected it.</summary>
    Failed,
}

/// <summary>A platform call that failed, classified so the core can decide whether to retry.</summary>
public sealed class ChatSendException : Exception
{
    public ChatSendException(ChatSendFailure failure, string message, Exception? innerException = null, TimeSpan? retryAfter = null)
        : base(message, innerException)
    {
        Failure = failure;
        RetryAfter = retryAfter;
    }

    public ChatSendException()
        : this(ChatSendFailure.Failed, "The chat platform call failed.")
    {
    }

    public ChatSendException(string message)
        : this(ChatSendFailure.Failed, message)
    {
    }

    public ChatSendException(string message, Exception innerException)
        : this(ChatSendFailure.Failed, message, innerException)
    {
    }

    public ChatSendFailure Failure { get; }

    public TimeSpan? RetryAfter { get; }
}

/// <summary>The chat ports registered in this process, by platform.</summary>
public sealed class ChatPorts(IEnumerable<IChatPort> ports)
{
    private readonly Dictionary<ChatPlatform, IChatPort> _ports = ports.ToDictionary(port => port.Platform);

    /// <summary>The platforms this process serves; the pipeline only picks up their jobs.</summary>
    public IReadOnlyCollection<ChatPlatform> Platforms => _ports.Keys;

    public IChatPort Get(ChatPlatform platform) =>
        _ports.TryGetValue(platform, out var port)
            ? port
            : throw new InvalidOperationException($"No chat port is registered for {platform}.");
}
