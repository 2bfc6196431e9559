using System.Collections.Concurrent;
using Bot.Moderation;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Telegram.Bot;
using Telegram.Bot.Exceptions;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;

namespace Bot.Telegram;

/// <summary>
/// Decides whether a Telegram user moderates: one of <c>Moderation:TelegramUserIds</c>, or an administrator
/// (anonymous ones included) of one of the groups in <c>Moderation:TelegramAdminChatIds</c> when the command
/// comes from that group. A confirmed administrator is remembered for a few minutes; a refusal is not, so a
/// newly promoted administrator is recognised at once.
/// </summary>
internal sealed partial class TelegramModerators(
    ITelegramBotClient bot,
    IOptionsMonitor<ModerationOptions> options,
    TimeProvider time,
    ILogger<TelegramModerators> logger)
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromMinutes(5);
    private readonly ConcurrentDictionary<(long Chat, long User), (bool IsAdmin, DateTimeOffset At)> _admins = new();
    private readonly ConcurrentDictionary<long, bool> _unlistedChats = new();

    public async Task<bool> IsModeratorAsync(Update update, CancellationToken cancellationToken)
    {
        var (user, chat, senderChat) = update switch
        {
            { Message: { From: { } from } message } => (from.Id, message.Chat, message.SenderChat),
            { CallbackQuery: { Message: { } message } callback } => (callback.From.Id, message.Chat, null),
            _ => (0L, null, null),
        };
        if (chat is null)
        {
            return false;
        }

        var settings = options.CurrentValue;
        if (settings.TelegramUserIds.Contains(user))
        {
            return true;
        }

        if (chat.Type is not (ChatType.Group or ChatType.Supergroup))
        {
            return false;
        }

        if (!settings.TelegramAdminChatIds.Contains(chat.Id))
        {
            // Once per group, so the operator can find the id to add without flooding the log.
            if (_unlistedChats.TryAdd(chat.Id, true))
            {
                LogUnlistedChat(logger, chat.Id, chat.Title);
            }

            return false;
        }

        // An anonymous administrator posts as the group itself.
        if (senderChat is not null && senderChat.Id == chat.Id)
        {
            return true;
        }

        return await IsAdministratorAsync(chat.Id, user, cancellationToken);
    }

    private async Task<bool> IsAdministratorAsync(long chatId, long userId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_admins.TryGetValue((chatId, userId), out var cached) && now - cached.At < CacheFor)
        {
            return cached.IsAdmin;
        }

        try
        {
            var member = await bot.GetChatMember(chatId, userId, cancellationToken);
            var isAdmin = member.Status is ChatMemberStatus.Administrator or ChatMemberStatus.Creator;
            if (isAdmin)
            {
                _admins[(chatId, userId)] = (isAdmin, now);
            }

            return isAdmin;
        }
        catch (RequestException exception)
        {
            // When Telegram does not respond, the user is treated as not moderating, so a moderator command changes nothing.
            LogLookupFailed(logger, exception, chatId, userId);
            return false;
        }
    }

    [LoggerMessage(EventId = 511, Level = LogLevel.Information, Message = "Telegram group {ChatId} ({Title}) is not in Moderation:TelegramAdminChatIds, so its administrators do not moderate the bot")]
    private static partial void LogUnlistedChat(ILogger logger, long chatId, string? title);

    [LoggerMessage(EventId = 510, Level = LogLevel.Warning, Message = "Looking up whether user {UserId} administers chat {ChatId} failed")]
    private static partial void LogLookupFailed(ILogger logger, Exception exception, long chatId, long userId);
}
