using System.Threading.Channels;
using Bot.Chat;
using Bot.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Telegram.Bot;
using Telegram.Bot.Exceptions;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;

namespace Bot.Telegram;

/// <summary>
/// Receives updates by long polling and hands each to a pool of workers, so a slow command in one chat never
/// delays the reply in another. Each chat always goes to the same worker, so its commands are handled in the
/// order they were sent. The poll loop itself only enqueues.
/// </summary>
internal sealed partial class TelegramPollingService(
    ITelegramBotClient bot,
    ChatCommandHandler handler,
    TelegramChatPort port,
    TelegramModerators moderators,
    IOptionsMonitor<Moderation.ModerationOptions> moderationOptions,
    FatalErrors fatalErrors,
    IOptionsMonitor<TelegramOptions> options,
    TimeProvider time,
    ILogger<TelegramPollingService> logger) : BackgroundService
{
    private const int Workers = 32;
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);
    private static readonly UpdateType[] AllowedUpdates = [UpdateType.Message, UpdateType.CallbackQuery];

    private readonly Channel<Update>[] _queues = [.. Enumerable.Range(0, Workers).Select(_ => Channel.CreateBounded<Update>(new BoundedChannelOptions(1000) { SingleWriter = true, SingleReader = true }))];

    /// <summary>The bot's username, known after <c>getMe</c> at start.</summary>
    public string? Username { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!await StartSessionAsync(stoppingToken))
        {
            return;
        }

        var workers = _queues.Select(queue => Task.Run(() => WorkAsync(queue.Reader), CancellationToken.None)).ToArray();
        int? offset = null;
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var updates = await bot.GetUpdates(
                    offset: offset,
                    timeout: (int)options.CurrentValue.PollTimeout.TotalSeconds,
                    allowedUpdates: AllowedUpdates,
                    cancellationToken: stoppingToken);
                failures = 0;
                foreach (var update in updates)
                {
                    offset = update.Id + 1;
                    await QueueOf(update).Writer.WriteAsync(update, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (ApiRequestException exception) when (exception.ErrorCode == 401)
            {
                fatalErrors.Stop("Telegram responded 401 Unauthorized: the token in Telegram:BotToken is wrong or was revoked. Get the current one from @BotFather.");
                break;
            }
            catch (RequestException exception)
            {
                failures++;
                var wait = Backoff(failures);
                if (exception is ApiRequestException { ErrorCode: 409 })
                {
                    LogConflict(logger, exception.Message);
                }
                else
                {
                    LogPollFailed(logger, exception, failures, wait);
                }

                await time.DelayUnlessStoppingAsync(wait, stoppingToken);
            }
        }

        foreach (var queue in _queues)
        {
            queue.Writer.TryComplete();
        }

        await Task.WhenAll(workers);
        await ConfirmAsync(offset);
        LogStopped(logger);
    }

    /// <summary>Reads the bot's identity, clears any webhook (polling and webhooks exclude each other) and sets the command menu.</summary>
    private async Task<bool> StartSessionAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; !cancellationToken.IsCancellationRequested; attempt++)
        {
            try
            {
                var me = await bot.GetMe(cancellationToken);
                Username = me.Username ?? string.Empty;
                await bot.DeleteWebhook(dropPendingUpdates: false, cancellationToken: cancellationToken);
                await SetMenusAsync(cancellationToken);
                LogStarted(logger, Username, me.Id);
                return true;
            }
            catch (ApiRequestException exception) when (exception.ErrorCode == 401)
            {
                fatalErrors.Stop("Telegram responded 401 Unauthorized: the token in Telegram:BotToken is wrong or was revoked. Get the current one from @BotFather.");
                return false;
            }
            catch (RequestException exception)
            {
                var wait = Backoff(attempt);
                LogPollFailed(logger, exception, attempt, wait);
                await time.DelayUnlessStoppingAsync(wait, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return false;
            }
        }

        return false;
    }

    /// <summary>Sends the reply for a command that failed inside the bot, so the user is not left waiting.</summary>
    private async Task TryReplyAsync(Update update, ChatCommand command, ChatText text)
    {
        try
        {
            if (update.CallbackQuery is { } callback)
            {
                await port.AnswerButtonAsync(callback.Id, text, CancellationToken.None);
            }
            else
            {
                await port.SendReplyAsync(command.Target, text, CancellationToken.None);
            }
        }
        catch (ChatSendException exception)
        {
            LogUpdateFailed(logger, exception, update.Id, command.Target.ChatId);
        }
    }

    private Channel<Update> QueueOf(Update update)
    {
        var chatId = update.Message?.Chat.Id ?? update.CallbackQuery?.Message?.Chat.Id ?? 0;
        return _queues[(int)((ulong)chatId % Workers)];
    }

    /// <summary>
    /// Sets the command menus: the user commands for everyone, and the moderator commands for the administrators of
    /// the configured groups and in the private chats of the configured moderators. Menus only change what Telegram
    /// suggests, and every moderator command is checked again when it arrives.
    /// </summary>
    private async Task SetMenusAsync(CancellationToken cancellationToken)
    {
        await bot.SetMyCommands(TelegramCommands.Menu, cancellationToken: cancellationToken);
        foreach (var chatId in moderationOptions.CurrentValue.TelegramAdminChatIds)
        {
            await SetModeratorMenuAsync(BotCommandScope.ChatAdministrators(chatId), chatId, cancellationToken);
        }

        foreach (var moderatorId in moderationOptions.CurrentValue.TelegramUserIds)
        {
            await SetModeratorMenuAsync(BotCommandScope.Chat(moderatorId), moderatorId, cancellationToken);
        }
    }

    private async Task SetModeratorMenuAsync(BotCommandScope scope, long chatId, CancellationToken cancellationToken)
    {
        try
        {
            await bot.SetMyCommands(TelegramCommands.ModeratorMenu, scope, cancellationToken: cancellationToken);
        }
        catch (ApiRequestException exception) when (exception.ErrorCode == 400)
        {
            // A chat the bot is not in (yet), such as a moderator who never started a private chat with it.
            LogMenuSkipped(logger, chatId, exception.Message);
        }
    }

    private async Task WorkAsync(ChannelReader<Update> queue)
    {
        // Updates already taken are finished even while stopping, so an accepted request always gets its reply.
        await foreach (var update in queue.ReadAllAsync(CancellationToken.None))
        {
            var parsed = TelegramUpdateParser.Parse(update, Username ?? string.Empty);
            if (parsed is null)
            {
                continue;
            }

            var command = parsed.Command;
            try
            {
                command = await CompleteAsync(update, parsed);
                var reply = await handler.HandleAsync(command, CancellationToken.None);
                if (update.CallbackQuery is { } callback)
                {
                    await port.AnswerButtonAsync(callback.Id, reply, CancellationToken.None);
                }
                else if (reply is not null)
                {
                    await port.SendReplyAsync(command.Target, reply, CancellationToken.None);
                }
            }
            catch (ChatSendException exception)
            {
                LogUpdateFailed(logger, exception, update.Id, command.Target.ChatId);
            }
            catch (RequestException exception)
            {
                // Downloading the photo failed: the user gets a message, and no job was made.
                LogUpdateFailed(logger, exception, update.Id, command.Target.ChatId);
                await TryReplyAsync(update, command, ChatText.Of("The image could not be downloaded from Telegram. Please send it again."));
            }
            catch (Exception exception) when (exception is Microsoft.EntityFrameworkCore.DbUpdateException or Microsoft.Data.Sqlite.SqliteException
                or InvalidOperationException)
            {
                LogUpdateFailed(logger, exception, update.Id, command.Target.ChatId);
                await TryReplyAsync(update, command, ChatCommandHandler.InternalErrorText);
            }
        }
    }

    /// <summary>
    /// Adds what the parser cannot know without asking Telegram: whether the sender moderates, and the image
    /// to animate, downloaded, because a file URL would hand the bot token to the worker.
    /// </summary>
    private async Task<ChatCommand> CompleteAsync(Update update, TelegramCommand parsed)
    {
        var command = parsed.Command;
        if (TelegramUpdateParser.NeedsModeratorCheck(command) && await moderators.IsModeratorAsync(update, CancellationToken.None))
        {
            command = command with { User = command.User with { IsChatModerator = true } };
        }

        if (parsed.Photo is { } photo && command is GenerateCommand generate)
        {
            var bytes = await DownloadAsync(photo);
            command = bytes is null
                ? new InvalidCommand(command.User, command.Target, $"The image is larger than {TelegramUpdateParser.MaxImageBytes / 1_000_000} MB. Send a smaller one.")
                : generate with { Image = new ChatImage(null, bytes, photo.MediaType) };
        }

        return command;
    }

    /// <summary>Downloads a photo with the size cap; returns null when it is over the cap.</summary>
    private async Task<byte[]?> DownloadAsync(TelegramPhoto photo)
    {
        var file = await bot.GetFile(photo.FileId);
        if (file.FileSize > TelegramUpdateParser.MaxImageBytes || file.FilePath is null)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        await bot.DownloadFile(file.FilePath, buffer);
        return buffer.Length > TelegramUpdateParser.MaxImageBytes ? null : buffer.ToArray();
    }

    /// <summary>
    /// Confirms the last updates with Telegram before stopping; otherwise they would arrive again at the next
    /// start. (A re-delivered /generate would still not make a second job, because jobs are keyed by message.)
    /// </summary>
    private async Task ConfirmAsync(int? offset)
    {
        if (offset is null)
        {
            return;
        }

        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5), time);
            await bot.GetUpdates(offset: offset, limit: 1, timeout: 0, allowedUpdates: AllowedUpdates, cancellationToken: timeout.Token);
        }
        catch (Exception exception) when (exception is RequestException or OperationCanceledException)
        {
            LogConfirmFailed(logger, exception);
        }
    }

    private static TimeSpan Backoff(int failures)
    {
        var seconds = Math.Min(MaxBackoff.TotalSeconds, Math.Pow(2, Math.Min(failures, 10) - 1));
        return TimeSpan.FromSeconds(seconds * (0.8 + (Random.Shared.NextDouble() * 0.4)));
    }

    [LoggerMessage(EventId = 500, Level = LogLevel.Information, Message = "Telegram bot @{Username} ({BotId}) is receiving updates")]
    private static partial void LogStarted(ILogger logger, string username, long botId);

    [LoggerMessage(EventId = 501, Level = LogLevel.Warning, Message = "Receiving Telegram updates failed ({Failures} in a row); trying again in {RetryIn}")]
    private static partial void LogPollFailed(ILogger logger, Exception exception, int failures, TimeSpan retryIn);

    [LoggerMessage(EventId = 502, Level = LogLevel.Warning, Message = "Telegram reports a conflict: {Description}. Only one process may receive updates for a bot token; stop the other instance.")]
    private static partial void LogConflict(ILogger logger, string description);

    [LoggerMessage(EventId = 503, Level = LogLevel.Error, Message = "Handling Telegram update {UpdateId} from chat {ChatId} failed")]
    private static partial void LogUpdateFailed(ILogger logger, Exception exception, int updateId, string chatId);

    [LoggerMessage(EventId = 504, Level = LogLevel.Warning, Message = "Confirming the last Telegram updates failed; they may arrive once more at the next start")]
    private static partial void LogConfirmFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 506, Level = LogLevel.Information, Message = "No moderator menu in Telegram chat {ChatId}: {Reason}")]
    private static partial void LogMenuSkipped(ILogger logger, long chatId, string reason);

    [LoggerMessage(EventId = 505, Level = LogLevel.Debug, Message = "Telegram polling stopped")]
    private static partial void LogStopped(ILogger logger);
}
