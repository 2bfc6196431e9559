using System.Globalization;
using System.Net;
using Bot.Chat;
using Microsoft.Extensions.Options;
using Telegram.Bot;
using Telegram.Bot.Exceptions;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;
using Telegram.Bot.Types.ReplyMarkups;

namespace Bot.Telegram;

/// <summary>The Telegram port: HTML messages that reply to the request, edits, and video uploads.</summary>
internal sealed class TelegramChatPort(ITelegramBotClient bot, IOptionsMonitor<TelegramOptions> options, TimeProvider time) : IChatPort
{
    // Telegram's limit for the notice a pressed button shows.
    private const int MaxButtonNoteLength = 200;

    // A short flood wait is waited out for ordinary messages; a longer one goes back to the caller.
    private static readonly TimeSpan MaxInlineWait = TimeSpan.FromSeconds(10);

    private static readonly LinkPreviewOptions NoPreview = new() { IsDisabled = true };

    public ChatPlatform Platform => ChatPlatform.Telegram;

    public TimeSpan StatusEditInterval => options.CurrentValue.StatusEditInterval;

    public long GetUploadLimit(ChatTarget target) => options.CurrentValue.MaxUploadBytes;

    public Task<string> SendReplyAsync(ChatTarget target, ChatText text, CancellationToken cancellationToken) =>
        SendMessageAsync(target, text, cancellationToken);

    public async Task<string> SendMessageAsync(ChatTarget target, ChatText text, CancellationToken cancellationToken)
    {
        var message = await CallAsync(
            () => bot.SendMessage(
                chatId: ChatIdOf(target),
                text: TelegramHtml.Render(text),
                parseMode: ParseMode.Html,
                replyParameters: ReplyTo(target),
                replyMarkup: text.Buttons.Count > 0 ? Keyboard(text) : null,
                linkPreviewOptions: NoPreview,
                messageThreadId: ThreadOf(target),
                cancellationToken: cancellationToken),
            waitInline: true,
            cancellationToken);
        return message.Id.ToString(CultureInfo.InvariantCulture);
    }

    public async Task EditMessageAsync(ChatTarget target, string messageId, ChatText text, CancellationToken cancellationToken)
    {
        try
        {
            await CallAsync(
                () => bot.EditMessageText(
                    chatId: ChatIdOf(target),
                    messageId: int.Parse(messageId, CultureInfo.InvariantCulture),
                    text: TelegramHtml.Render(text),
                    parseMode: ParseMode.Html,
                    replyMarkup: Keyboard(text),
                    linkPreviewOptions: NoPreview,
                    cancellationToken: cancellationToken),
                waitInline: false,
                cancellationToken);
        }
        catch (ChatSendException exception) when (exception.InnerException is ApiRequestException api
            && api.Message.Contains("message is not modified", StringComparison.OrdinalIgnoreCase))
        {
            // The message already shows this text, for example after a restart; there is nothing to change.
        }
    }

    public async Task<string> SendVideoAsync(ChatTarget target, VideoFile video, ChatText caption, CancellationToken cancellationToken)
    {
        await using var stream = video.OpenRead();
        var message = await CallAsync(
            () => bot.SendVideo(
                chatId: ChatIdOf(target),
                video: InputFile.FromStream(stream, "video.mp4"),
                caption: TelegramHtml.Render(caption, TelegramHtml.MaxCaptionLength),
                parseMode: ParseMode.Html,
                replyParameters: ReplyTo(target),
                replyMarkup: caption.Buttons.Count > 0 ? Keyboard(caption) : null,
                duration: video.DurationSeconds is { } seconds ? (int)Math.Ceiling(seconds) : null,
                width: video.Width,
                height: video.Height,
                messageThreadId: ThreadOf(target),
                supportsStreaming: true,
                cancellationToken: cancellationToken),
            waitInline: false,
            cancellationToken);
        return message.Id.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>Shows a short note to the user who pressed a button; every pressed button must be answered, or the client keeps spinning.</summary>
    public async Task AnswerButtonAsync(string callbackQueryId, ChatText? note, CancellationToken cancellationToken) =>
        await CallAsync(
            async () =>
            {
                await bot.AnswerCallbackQuery(callbackQueryId, note?.Truncate(MaxButtonNoteLength).ToPlainString(), showAlert: note is not null, cancellationToken: cancellationToken);
                return true;
            },
            waitInline: true,
            cancellationToken);

    /// <summary>Builds the inline keyboard; an empty one removes the buttons of an edited message.</summary>
    private static InlineKeyboardMarkup Keyboard(ChatText text) =>
        new(text.Buttons.Select(button => InlineKeyboardButton.WithCallbackData(button.Label, button.Action)));

    /// <summary>
    /// Makes one Bot API call and turns its failures into <see cref="ChatSendException"/>. A 429 whose
    /// <c>retry_after</c> is short is waited out and the call made once more when <paramref name="waitInline"/>.
    /// </summary>
    private async Task<T> CallAsync<T>(Func<Task<T>> call, bool waitInline, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call();
            }
            catch (ApiRequestException exception) when (exception.ErrorCode == 429 && waitInline && attempt == 1
                && RetryAfter(exception) is { } wait && wait <= MaxInlineWait)
            {
                await Task.Delay(wait, time, cancellationToken);
            }
            catch (ApiRequestException exception)
            {
                throw Classify(exception);
            }
            catch (RequestException exception)
            {
                throw Classify(exception);
            }
        }
    }

    private static ChatSendException Classify(ApiRequestException exception)
    {
        var description = exception.Message;
        var failure = exception.ErrorCode switch
        {
            429 => ChatSendFailure.RateLimited,
            413 => ChatSendFailure.TooLarge,
            403 => ChatSendFailure.Forbidden,
            400 when description.Contains("message to edit not found", StringComparison.OrdinalIgnoreCase) => ChatSendFailure.MessageNotFound,
            400 when description.Contains("too big", StringComparison.OrdinalIgnoreCase) => ChatSendFailure.TooLarge,
            _ => ChatSendFailure.Failed,
        };
        return new ChatSendException(failure, $"Telegram responded {exception.ErrorCode}: {description}", exception, RetryAfter(exception));
    }

    private static ChatSendException Classify(RequestException exception)
    {
        var failure = exception switch
        {
            { HttpStatusCode: HttpStatusCode.RequestEntityTooLarge } => ChatSendFailure.TooLarge,
            { InnerException: HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError } } => ChatSendFailure.NotSent,
            _ => ChatSendFailure.Failed,
        };
        return new ChatSendException(failure, $"The Telegram request failed: {exception.Message}", exception);
    }

    private static TimeSpan? RetryAfter(ApiRequestException exception) =>
        exception.Parameters?.RetryAfter is { } seconds ? TimeSpan.FromSeconds(seconds) : null;

    private static ChatId ChatIdOf(ChatTarget target) => long.Parse(target.ChatId, CultureInfo.InvariantCulture);

    private static int? ThreadOf(ChatTarget target) =>
        target.ThreadId is { } thread ? int.Parse(thread, CultureInfo.InvariantCulture) : null;

    private static ReplyParameters? ReplyTo(ChatTarget target) =>
        target.RequestMessageId is { } id
            ? new ReplyParameters { MessageId = int.Parse(id, CultureInfo.InvariantCulture), AllowSendingWithoutReply = true }
            : null;
}
