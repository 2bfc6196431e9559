using System.Globalization;
using Bot.Chat;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;

namespace Bot.Telegram;

/// <summary>Translates Telegram updates into chat commands.</summary>
public static class TelegramUpdateParser
{
    /// <summary>
    /// Returns the command in a message's text or photo caption, or null when the message contains none for this
    /// bot. In groups, <c>/generate@OtherBot</c> belongs to another bot and is ignored.
    /// </summary>
    /// <param name="botUsername">This bot's username, without the @.</param>
    public static ChatCommand? Parse(Update update, string botUsername)
    {
        if (update.CallbackQuery is { } callback)
        {
            return ParseButton(callback);
        }

        if (update.Message is not { From: { } from } message)
        {
            return null;
        }

        var text = message.Text ?? message.Caption;
        var entities = message.Text is not null ? message.Entities : message.CaptionEntities;
        var command = entities?.FirstOrDefault(e => e.Type == MessageEntityType.BotCommand && e.Offset == 0);
        if (text is null || command is null)
        {
            return null;
        }

        // Entity offsets and lengths count UTF-16 code units, as .NET strings do.
        var name = text.Substring(1, Math.Min(command.Length, text.Length) - 1);
        var at = name.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            if (!string.Equals(name[(at + 1)..], botUsername, StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }

            name = name[..at];
        }

        var arguments = text[Math.Min(command.Length, text.Length)..].Trim();
        var user = new ChatUser(ChatPlatform.Telegram, from.Id.ToString(CultureInfo.InvariantCulture), DisplayName(from));
        var target = new ChatTarget(
            message.Chat.Id.ToString(CultureInfo.InvariantCulture),
            message.IsTopicMessage && message.MessageThreadId is { } thread ? thread.ToString(CultureInfo.InvariantCulture) : null,
            message.Id.ToString(CultureInfo.InvariantCulture));

        return name.ToLowerInvariant() switch
        {
            "generate" => new GenerateCommand(user, target, arguments, RequestKey(message)),
            "quota" => new ShowQuotaCommand(user, target),
            "help" => new HelpCommand(user, target),
            "start" => new HelpCommand(user, target, IsStart: true),
            _ when message.Chat.Type == ChatType.Private => new HelpCommand(user, target),
            _ => null,
        };
    }

    /// <summary>Returns the command behind a pressed button, such as a job's Cancel button.</summary>
    private static CancelCommand? ParseButton(CallbackQuery callback)
    {
        if (callback.Data is not { } data || !Jobs.StatusText.TryParseCancelAction(data, out var jobId) || callback.Message is not { } message)
        {
            return null;
        }

        var user = new ChatUser(ChatPlatform.Telegram, callback.From.Id.ToString(CultureInfo.InvariantCulture), DisplayName(callback.From));
        var target = new ChatTarget(message.Chat.Id.ToString(CultureInfo.InvariantCulture), null, message.Id.ToString(CultureInfo.InvariantCulture));
        return new CancelCommand(user, target, jobId);
    }

    /// <summary>A key unique to one Telegram message: message ids are unique within their chat.</summary>
    public static string RequestKey(Message message) =>
        string.Create(CultureInfo.InvariantCulture, $"telegram:{message.Chat.Id}:{message.Id}");

    private static string DisplayName(User user) =>
        user.Username is { Length: > 0 } username
            ? "@" + username
            : string.Join(' ', new[] { user.FirstName, user.LastName }.Where(part => !string.IsNullOrWhiteSpace(part)));
}
