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
/// Decides whether a Telegram user moderates: one of <c>Moderation:TelegramUserIds</c>, an anonymous administrator
/// of the group, or, when <c>Moderation:TelegramChatAdministrators</c> is on, an administrator of the chat the
/// command came from. Administrator lookups are cached for a few minutes.
/// </summary>
internal sealed partial class TelegramModerators(
    ITelegramBotClient bot,
    IOptionsMonitor<ModerationOptions> options,
    TimeProvider time,
    ILogger<TelegramModerators> logger)
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromMinutes(5);
    private readonly ConcurrentDictionary<(long Chat, long User), (bool IsAdmin, DateTimeOffset At)> _admins = new();

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

        if (!settings.TelegramChatAdministrators || chat.Type is not (ChatType.Group or ChatType.Supergroup))
        {
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
            _admins[(chatId, userId)] = (isAdmin, now);
            return isAdmin;
        }
        catch (RequestException exception)
        {
            // When Telegram does not respond, the user is treated as not moderating, so a moderator command changes nothing.
            LogLookupFailed(logger, exception, chatId, userId);
            return false;
        }
    }

    [LoggerMessage(EventId = 510, Level = LogLevel.Warning, Message = "Looking up whether user {UserId} administers chat {ChatId} failed")]
    private static partial void LogLookupFailed(ILogger logger, Exception exception, long chatId, long userId);
}
