using System.Globalization;
using System.Text.RegularExpressions;
using Bot.Chat;
using Bot.Jobs;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;

namespace Bot.Telegram;

/// <summary>A parsed update: the command, and the photo to download for it, if any.</summary>
/// <param name="Photo">The image to animate, as Telegram's file reference; the adapter downloads it.</param>
public sealed record TelegramCommand(ChatCommand Command, TelegramPhoto? Photo = null);

/// <summary>An image in a Telegram message: a compressed photo or an image sent as a file.</summary>
public sealed record TelegramPhoto(string FileId, long? Size, string MediaType);

/// <summary>Translates Telegram updates into chat commands.</summary>
public static partial class TelegramUpdateParser
{
    /// <summary>The largest image sent on to the worker: as base64 it must stay under RunPod's 10 MB limit for a job's input.</summary>
    public const long MaxImageBytes = 7_000_000;

    private const string WhichUser =
        "Say which user: reply to one of their messages with the command, or give their numeric id. " +
        "Telegram does not tell bots who an @username is.";

    private const string PrivateHint =
        "To make a video, send /generate with a description, for example: /generate a red fox running through snow. " +
        "To animate a photo, send it with /generate and a description as its caption. /help lists every command.";

    private static readonly HashSet<string> KnownOptions = new(["portrait", "landscape", "seed", "no", "negative"], StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Returns the command in a message's text or photo caption, or in a pressed button; null when the update
    /// contains none for this bot. In groups, <c>/generate@OtherBot</c> belongs to another bot and is ignored.
    /// </summary>
    /// <param name="botUsername">This bot's username, without the @.</param>
    public static TelegramCommand? Parse(Update update, string botUsername)
    {
        if (update.CallbackQuery is { } callback)
        {
            return ParseButton(callback) is { } pressed ? new TelegramCommand(pressed) : null;
        }

        if (update.Message is not { From: { } from } message)
        {
            return null;
        }

        var user = new ChatUser(ChatPlatform.Telegram, from.Id.ToString(CultureInfo.InvariantCulture), DisplayName(from));
        var target = new ChatTarget(
            message.Chat.Id.ToString(CultureInfo.InvariantCulture),
            message.IsTopicMessage && message.MessageThreadId is { } thread ? thread.ToString(CultureInfo.InvariantCulture) : null,
            message.Id.ToString(CultureInfo.InvariantCulture));
        var isPrivate = message.Chat.Type == ChatType.Private;

        var text = message.Text ?? message.Caption;
        var entities = message.Text is not null ? message.Entities : message.CaptionEntities;
        var command = entities?.FirstOrDefault(e => e.Type == MessageEntityType.BotCommand && e.Offset == 0);
        if (text is null || command is null)
        {
            // In a group the bot reads only commands; in a private chat every message is meant for it.
            return isPrivate && !from.IsBot ? new TelegramCommand(new InvalidCommand(user, target, PrivateHint)) : null;
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

        return name.ToLowerInvariant() switch
        {
            "generate" => ParseGenerate(message, user, target, arguments),
            "quota" => new TelegramCommand(ParseQuota(message, user, target, arguments)),
            "jobs" => new TelegramCommand(arguments.Length == 0 && !RepliesToUser(message)
                ? new ListJobsCommand(user, target)
                : WithSubject(message, user, target, arguments, (subject, _) => new ListJobsCommand(user, target, subject))),
            "cancel" => new TelegramCommand(arguments.Length == 0
                ? new CancelCommand(user, target, null, RepliedTo(message)?.Id.ToString(CultureInfo.InvariantCulture))
                : long.TryParse(arguments.TrimStart('#'), NumberStyles.None, CultureInfo.InvariantCulture, out var jobId)
                    ? new CancelCommand(user, target, jobId)
                    : new InvalidCommand(user, target, "Give the job's number, for example /cancel 12, or reply to the job's status with /cancel. /jobs lists your jobs.")),
            "ban" => new TelegramCommand(WithSubject(message, user, target, arguments, (subject, rest) =>
                new ModerateCommand(user, target, ModeratorAction.Ban, subject, Text: rest))),
            "unban" => new TelegramCommand(WithSubject(message, user, target, arguments, (subject, _) =>
                new ModerateCommand(user, target, ModeratorAction.Unban, subject))),
            "stats" => new TelegramCommand(new ModerateCommand(user, target, ModeratorAction.Stats)),
            "pause" => new TelegramCommand(new ModerateCommand(user, target, ModeratorAction.Pause, Text: arguments)),
            "resume" => new TelegramCommand(new ModerateCommand(user, target, ModeratorAction.Resume)),
            "audit" => new TelegramCommand(arguments.Length == 0 && !RepliesToUser(message)
                ? new ModerateCommand(user, target, ModeratorAction.Audit)
                : WithSubject(message, user, target, arguments, (subject, _) => new ModerateCommand(user, target, ModeratorAction.Audit, subject))),
            "help" => new TelegramCommand(new HelpCommand(user, target)),
            "start" => new TelegramCommand(new HelpCommand(user, target, IsStart: true)),
            // In a group, a command without @bot may be meant for another bot, so only one addressed to this bot gets a reply.
            _ when isPrivate || at >= 0 => new TelegramCommand(new InvalidCommand(user, target,
                $"There is no /{name} command. Send /help to see what the bot can do.")),
            _ => null,
        };
    }

    /// <summary>A key unique to one Telegram message: message ids are unique within their chat.</summary>
    public static string RequestKey(Message message) =>
        string.Create(CultureInfo.InvariantCulture, $"telegram:{message.Chat.Id}:{message.Id}");

    /// <summary>Whether the command may need the sender's moderator status, which costs a call to Telegram to find out.</summary>
    public static bool NeedsModeratorCheck(ChatCommand command) =>
        command is ModerateCommand or CancelCommand or ListJobsCommand { Subject: not null } or InvalidCommand { ModeratorsOnly: true };

    /// <summary>
    /// Reads <c>/generate</c>: the prompt, the options <c>--portrait</c>, <c>--landscape</c>, <c>--seed N</c> and
    /// <c>--no TEXT</c> (a negative prompt, up to the next option), and the photo to animate, sent with the
    /// command as its caption or replied to.
    /// </summary>
    private static TelegramCommand ParseGenerate(Message message, ChatUser user, ChatTarget target, string arguments)
    {
        var photo = PhotoOf(message) ?? (RepliedTo(message) is { } replied ? PhotoOf(replied) : null);
        if (photo is { Size: > MaxImageBytes })
        {
            return new TelegramCommand(new InvalidCommand(user, target,
                $"The image is {photo.Size / 1_000_000.0:0.#} MB; the limit is {MaxImageBytes / 1_000_000} MB. Send a smaller one."));
        }

        if (AnyOptionPattern().Matches(arguments).Select(m => m.Groups[1].Value).FirstOrDefault(o => !KnownOptions.Contains(o)) is { } unknown)
        {
            return new TelegramCommand(new InvalidCommand(user, target,
                $"/generate has no option --{unknown}. It takes --portrait, --landscape, --seed N and --no TEXT (what the video should not show)."));
        }

        VideoAspect? aspect = null;
        long? seed = null;
        string? negative = null;
        var prompt = new List<string>();
        var parts = OptionPattern().Split(arguments);
        prompt.Add(parts[0]);
        for (var index = 1; index + 1 < parts.Length; index += 2)
        {
            var option = parts[index].TrimStart('-', '—').ToLowerInvariant();
            var value = parts[index + 1].Trim();
            switch (option)
            {
                case "portrait":
                    aspect = VideoAspect.Portrait;
                    prompt.Add(value);
                    break;
                case "landscape":
                    aspect = VideoAspect.Landscape;
                    prompt.Add(value);
                    break;
                case "seed":
                    var words = value.Split(' ', 2);
                    if (!long.TryParse(words[0], NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
                    {
                        return new TelegramCommand(new InvalidCommand(user, target, "--seed needs a whole number, 0 or more, for example --seed 42."));
                    }

                    seed = parsed;
                    prompt.Add(words.Length > 1 ? words[1] : string.Empty);
                    break;
                default:
                    if (value.Length == 0)
                    {
                        return new TelegramCommand(new InvalidCommand(user, target,
                            "--no needs what the video should not show after it, for example --no blurry, text."));
                    }

                    negative = value;
                    break;
            }
        }

        var command = new GenerateCommand(
            user,
            target,
            string.Join(' ', prompt.Where(part => part.Length > 0)),
            RequestKey(message),
            seed,
            aspect,
            negative);
        return new TelegramCommand(command, photo);
    }

    private static ChatCommand ParseQuota(Message message, ChatUser user, ChatTarget target, string arguments)
    {
        var words = arguments.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries);
        var action = words.Length == 0 ? null : words[0].ToLowerInvariant() switch
        {
            "show" => ModeratorAction.QuotaShow,
            "set" => ModeratorAction.QuotaSet,
            "grant" => ModeratorAction.QuotaGrant,
            "reset" => ModeratorAction.QuotaReset,
            _ => (ModeratorAction?)null,
        };
        if (action is null)
        {
            return words.Length == 0
                ? new ShowQuotaCommand(user, target)
                : new InvalidCommand(user, target, "Use /quota to see your own allowance. Moderators: /quota show|set|grant|reset <user> [number].");
        }

        var takesNumber = action is ModeratorAction.QuotaSet or ModeratorAction.QuotaGrant;
        return WithSubject(message, user, target, words.Length > 1 ? words[1] : string.Empty, (subject, rest) =>
        {
            var value = rest.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
            if (!takesNumber || value is null)
            {
                return new ModerateCommand(user, target, action.Value, subject);
            }

            return int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number)
                ? new ModerateCommand(user, target, action.Value, subject, number)
                : new InvalidCommand(user, target,
                    $"\"{value}\" is not a whole number. Use /quota {words[0].ToLowerInvariant()} <user id> <number>, or reply to the user's message with /quota {words[0].ToLowerInvariant()} <number>.",
                    ModeratorsOnly: true);
        }, numbers: takesNumber ? 1 : 0);
    }

    /// <summary>Builds a command about another user, or explains how to name one when the message names no user or is unclear.</summary>
    /// <param name="numbers">How many numbers the command takes after the user, such as the allowance of <c>/quota set</c>.</param>
    private static ChatCommand WithSubject(
        Message message, ChatUser user, ChatTarget target, string arguments, Func<UserRef, string, ChatCommand> build, int numbers = 0)
    {
        var (subject, rest, problem) = Subject(message, arguments, numbers);
        return subject is not null ? build(subject, rest) : new InvalidCommand(user, target, problem ?? WhichUser, ModeratorsOnly: true);
    }

    /// <summary>
    /// Finds the user a command is about: a mention of a user without a username (which carries their id), the
    /// author of the message it replies to, or a numeric id as the first word. Returns what follows the user in the
    /// arguments, or the problem to explain when the message does not name one user clearly.
    /// </summary>
    private static (UserRef? Subject, string Remainder, string? Problem) Subject(Message message, string arguments, int numbers)
    {
        var mention = (message.Entities ?? message.CaptionEntities)?.FirstOrDefault(e => e.Type == MessageEntityType.TextMention && e.User is not null);
        if (mention?.User is { } mentioned)
        {
            var text = message.Text ?? message.Caption ?? string.Empty;
            var mentionText = text.Substring(mention.Offset, Math.Min(mention.Length, text.Length - mention.Offset));
            return (UserRefOf(mentioned), arguments.Replace(mentionText, string.Empty, StringComparison.Ordinal).Trim(), null);
        }

        var words = arguments.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries);
        long? id = words.Length > 0 && long.TryParse(words[0], NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : null;
        var afterId = words.Length > 1 ? words[1].Trim() : string.Empty;
        var leadingNumbers = arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .TakeWhile(word => long.TryParse(word, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
            .Count();

        if (RepliesToUser(message))
        {
            var author = RepliedTo(message)!.From!;

            // A reply names the user, so the numbers in the arguments are values, as in "/quota set 10". One number
            // more than the command takes is an id too, and it must be the author's.
            if (id is { } given && leadingNumbers > numbers)
            {
                return given == author.Id
                    ? (UserRefOf(author), afterId, null)
                    : (null, arguments, $"You replied to a message of {UserRefOf(author)} and also gave the id {given}, so it is not clear who you mean. "
                        + "Reply without the id, or send the command with the id and without replying. Nothing was changed.");
            }

            return (UserRefOf(author), arguments, null);
        }

        if (id is { } userId)
        {
            return (new UserRef(ChatPlatform.Telegram, userId.ToString(CultureInfo.InvariantCulture)), afterId, null);
        }

        return RepliedTo(message)?.From is { IsBot: true }
            ? (null, arguments, "You replied to a bot's message. Reply to a message the user wrote, or give their numeric id.")
            : (null, arguments, null);
    }

    /// <summary>Whether the message replies to a person's message, which names that person for a moderator command.</summary>
    private static bool RepliesToUser(Message message) => RepliedTo(message)?.From is { IsBot: false };

    /// <summary>
    /// Returns the message the user replied to. In a forum topic, Telegram sets the topic's first message as the
    /// reply of every message without one, so that one does not count.
    /// </summary>
    private static Message? RepliedTo(Message message) =>
        message.IsTopicMessage && message.ReplyToMessage?.Id == message.MessageThreadId ? null : message.ReplyToMessage;

    private static CancelCommand? ParseButtonCancel(ChatUser user, ChatTarget target, string data) =>
        StatusText.TryParseCancelAction(data, out var jobId) ? new CancelCommand(user, target, jobId) : null;

    /// <summary>Returns the command behind a pressed button: a job's Cancel or a video's Re-roll.</summary>
    private static ChatCommand? ParseButton(CallbackQuery callback)
    {
        if (callback.Data is not { } data || callback.Message is not { } message)
        {
            return null;
        }

        var user = new ChatUser(ChatPlatform.Telegram, callback.From.Id.ToString(CultureInfo.InvariantCulture), DisplayName(callback.From));
        var target = new ChatTarget(message.Chat.Id.ToString(CultureInfo.InvariantCulture), null, message.Id.ToString(CultureInfo.InvariantCulture));
        if (StatusText.TryParseRerollAction(data, out var rerollJob))
        {
            return new RerollCommand(user, target, rerollJob, $"telegram:button:{callback.Id}");
        }

        return ParseButtonCancel(user, target, data);
    }

    private static TelegramPhoto? PhotoOf(Message message)
    {
        if (message.Photo is { Length: > 0 } sizes)
        {
            // Telegram lists a photo's sizes from smallest to largest.
            var largest = sizes[^1];
            return new TelegramPhoto(largest.FileId, largest.FileSize, "image/jpeg");
        }

        return message.Document is { MimeType: { } type } document && type.StartsWith("image/", StringComparison.Ordinal)
            ? new TelegramPhoto(document.FileId, document.FileSize, type)
            : null;
    }

    private static UserRef UserRefOf(User user) =>
        new(ChatPlatform.Telegram, user.Id.ToString(CultureInfo.InvariantCulture), DisplayName(user));

    private static string DisplayName(User user) =>
        user.Username is { Length: > 0 } username
            ? "@" + username
            : string.Join(' ', new[] { user.FirstName, user.LastName }.Where(part => !string.IsNullOrWhiteSpace(part)));

    // Options start with two hyphens or the dash phones make of them: --portrait, --seed 42, --no blurry text.
    [GeneratedRegex(@"(?:^|\s)((?:--|—)(?:portrait|landscape|seed|no|negative))\b", RegexOptions.IgnoreCase)]
    private static partial Regex OptionPattern();

    [GeneratedRegex(@"(?:^|\s)(?:--|—)(\p{L}[\p{L}\d-]*)", RegexOptions.IgnoreCase)]
    private static partial Regex AnyOptionPattern();
}
