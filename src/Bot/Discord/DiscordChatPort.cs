using System.Net;
using System.Text.Json.Nodes;
using Bot.Chat;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bot.Discord;

/// <summary>
/// The Discord port. While the interaction token works (15 minutes, less a margin), the status is the
/// interaction's original response and the video a follow-up. After that, both go through the channel with
/// the bot token, replying to the status message. Every message suppresses mentions, so a prompt that
/// contains <c>@everyone</c> pings nobody.
/// </summary>
internal sealed partial class DiscordChatPort(
    DiscordRestClient rest,
    DiscordApplication application,
    IOptionsMonitor<DiscordOptions> options,
    TimeProvider time,
    ILogger<DiscordChatPort> logger) : IChatPort
{
    /// <summary>
    /// How long before the token's expiry the port stops using it, so an upload that starts just in time
    /// still finishes within the 15 minutes.
    /// </summary>
    public static readonly TimeSpan TokenMargin = TimeSpan.FromMinutes(2);

    private const int Ephemeral = 1 << 6;
    private const int SecondaryStyle = 2;
    private const int DangerStyle = 4;

    public ChatPlatform Platform => ChatPlatform.Discord;

    public TimeSpan StatusEditInterval => options.CurrentValue.StatusEditInterval;

    public long GetUploadLimit(ChatTarget target) => target.UploadLimit ?? DiscordInteraction.DefaultUploadLimit;

    public async Task<string> SendReplyAsync(ChatTarget target, ChatText text, CancellationToken cancellationToken)
    {
        var message = await CallAsync(async () =>
        {
            if (CanUseToken(target))
            {
                try
                {
                    var applicationId = await application.GetIdAsync(cancellationToken);
                    return await rest.EditOriginalResponseAsync(applicationId, target.InteractionToken!, Message(text), null, cancellationToken);
                }
                catch (DiscordApiException exception) when (exception.IsExpiredInteraction)
                {
                    LogTokenRejected(logger, target.ChatId, exception.Message);
                }
            }

            return await rest.CreateMessageAsync(target.ChatId, Message(text, replyTo: target.StatusMessageId), null, cancellationToken);
        });
        return message.Id;
    }

    public async Task<string> SendMessageAsync(ChatTarget target, ChatText text, CancellationToken cancellationToken)
    {
        var message = await CallAsync(() => PostAsync(target, Message(text, replyTo: target.StatusMessageId), null, cancellationToken));
        return message.Id;
    }

    /// <summary>Sends an ephemeral note, visible only to the user who pressed a button.</summary>
    public async Task SendPrivateNoteAsync(ChatTarget target, ChatText text, CancellationToken cancellationToken)
    {
        var applicationId = await application.GetIdAsync(cancellationToken);
        var message = Message(text);
        message["flags"] = Ephemeral;
        await CallAsync(() => rest.CreateFollowupAsync(applicationId, target.InteractionToken!, message, null, cancellationToken));
    }

    /// <summary>
    /// Replaces an interaction's public deferred response with a note visible only to its user. The public "thinking…"
    /// is deleted, and the note goes out as an ephemeral follow-up.
    /// </summary>
    public async Task ReplyPrivatelyAsync(ChatTarget target, ChatText text, CancellationToken cancellationToken)
    {
        var applicationId = await application.GetIdAsync(cancellationToken);
        try
        {
            await CallAsync(async () =>
            {
                await rest.DeleteOriginalResponseAsync(applicationId, target.InteractionToken!, cancellationToken);
                return true;
            });
        }
        catch (ChatSendException exception)
        {
            // The note still goes out: a "thinking…" left in the channel is better than no reply at all.
            LogDeleteFailed(logger, exception, target.ChatId);
        }

        await SendPrivateNoteAsync(target, text, cancellationToken);
    }

    public async Task EditMessageAsync(ChatTarget target, string messageId, ChatText text, CancellationToken cancellationToken)
    {
        await CallAsync(async () =>
        {
            if (CanUseToken(target))
            {
                try
                {
                    var applicationId = await application.GetIdAsync(cancellationToken);
                    return await rest.EditWebhookMessageAsync(applicationId, target.InteractionToken!, messageId, Message(text), cancellationToken);
                }
                catch (DiscordApiException exception) when (exception.IsExpiredInteraction)
                {
                    LogTokenRejected(logger, target.ChatId, exception.Message);
                }
            }

            // Editing with the bot token works on the interaction's response too, since it is not ephemeral.
            return await rest.EditMessageAsync(target.ChatId, messageId, Message(text), cancellationToken);
        });
    }

    public async Task<string> SendVideoAsync(ChatTarget target, VideoFile video, ChatText caption, CancellationToken cancellationToken)
    {
        var files = new[] { new DiscordFile("video.mp4", video.OpenRead, "video/mp4") };
        var message = await CallAsync(() => PostAsync(target, Message(caption, replyTo: target.StatusMessageId), files, cancellationToken));
        return message.Id;
    }

    /// <summary>Posts a new message: a follow-up while the token works, then a channel message that replies to the status.</summary>
    private async Task<DiscordMessage> PostAsync(ChatTarget target, JsonObject message, IReadOnlyList<DiscordFile>? files, CancellationToken cancellationToken)
    {
        if (CanUseToken(target))
        {
            try
            {
                var applicationId = await application.GetIdAsync(cancellationToken);
                var followup = (JsonObject)message.DeepClone();
                followup.Remove("message_reference");
                return await rest.CreateFollowupAsync(applicationId, target.InteractionToken!, followup, files, cancellationToken);
            }
            catch (DiscordApiException exception) when (exception.IsExpiredInteraction)
            {
                LogTokenRejected(logger, target.ChatId, exception.Message);
            }
        }

        return await rest.CreateMessageAsync(target.ChatId, message, files, cancellationToken);
    }

    private bool CanUseToken(ChatTarget target) =>
        target.InteractionToken is not null
        && target.InteractionExpiresAt is { } expiresAt
        && time.GetUtcNow() < expiresAt - TokenMargin;

    /// <summary>Builds a message body: content, buttons, no mentions, and a reply reference when there is something to reply to.</summary>
    private static JsonObject Message(ChatText text, string? replyTo = null)
    {
        var message = new JsonObject
        {
            ["content"] = DiscordMarkdown.Render(text),
            ["allowed_mentions"] = new JsonObject { ["parse"] = new JsonArray() },
            ["components"] = text.Buttons.Count == 0
                ? new JsonArray()
                : new JsonArray(new JsonObject
                {
                    ["type"] = 1,
                    ["components"] = new JsonArray([.. text.Buttons.Select(button => (JsonNode)new JsonObject
                    {
                        ["type"] = 2,
                        ["style"] = button.Action.StartsWith("cancel:", StringComparison.Ordinal) ? DangerStyle : SecondaryStyle,
                        ["label"] = button.Label,
                        ["custom_id"] = button.Action,
                    })]),
                }),
        };

        if (replyTo is not null)
        {
            message["message_reference"] = new JsonObject { ["message_id"] = replyTo, ["fail_if_not_exists"] = false };
        }

        return message;
    }

    /// <summary>Makes one API call and turns its failures into <see cref="ChatSendException"/>.</summary>
    private static async Task<T> CallAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (DiscordApiException exception)
        {
            var failure = exception switch
            {
                { IsTooLarge: true } => ChatSendFailure.TooLarge,
                { StatusCode: HttpStatusCode.TooManyRequests } => ChatSendFailure.RateLimited,
                { Code: DiscordErrorCodes.UnknownMessage } => ChatSendFailure.MessageNotFound,
                { StatusCode: HttpStatusCode.Forbidden } => ChatSendFailure.Forbidden,
                { Code: DiscordErrorCodes.MissingAccess or DiscordErrorCodes.MissingPermissions or DiscordErrorCodes.UnknownChannel } => ChatSendFailure.Forbidden,
                _ => ChatSendFailure.Failed,
            };
            throw new ChatSendException(failure, exception.Message, exception);
        }
        catch (HttpRequestException exception) when (exception.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError)
        {
            throw new ChatSendException(ChatSendFailure.NotSent, $"Discord could not be reached: {exception.Message}", exception);
        }
        catch (HttpRequestException exception)
        {
            throw new ChatSendException(ChatSendFailure.Failed, $"The Discord request failed: {exception.Message}", exception);
        }
    }

    [LoggerMessage(EventId = 621, Level = LogLevel.Warning, Message = "Deleting the deferred response in channel {ChannelId} failed; sending the private note anyway")]
    private static partial void LogDeleteFailed(ILogger logger, Exception exception, string channelId);

    [LoggerMessage(EventId = 620, Level = LogLevel.Information, Message = "The interaction token for channel {ChannelId} no longer works ({Reason}); using the channel instead")]
    private static partial void LogTokenRejected(ILogger logger, string channelId, string reason);
}
