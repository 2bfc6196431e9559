using System.Text.RegularExpressions;
using Bot.Configuration;
using Microsoft.Extensions.Options;

namespace Bot.Moderation;

internal sealed class ModerationOptionsValidator : IValidateOptions<ModerationOptions>
{
    public ValidateOptionsResult Validate(string? name, ModerationOptions options)
    {
        var errors = new OptionsErrors(ModerationOptions.SectionName);
        for (var index = 0; index < options.BlockedPatterns.Count; index++)
        {
            try
            {
                _ = new Regex(options.BlockedPatterns[index], RegexOptions.IgnoreCase, TimeSpan.FromMilliseconds(100));
            }
            catch (ArgumentException exception)
            {
                errors.Add($"{nameof(options.BlockedPatterns)}:{index}", $"is not a valid regular expression ('{options.BlockedPatterns[index]}'): {exception.Message}");
            }
        }

        for (var index = 0; index < options.BlockedTerms.Count; index++)
        {
            if (string.IsNullOrWhiteSpace(options.BlockedTerms[index]))
            {
                errors.Add($"{nameof(options.BlockedTerms)}:{index}", "is empty; remove it or write the term.");
            }
        }

        foreach (var (key, ids) in new[]
        {
            (nameof(options.DiscordUserIds), options.DiscordUserIds),
            (nameof(options.DiscordRoleIds), options.DiscordRoleIds),
            (nameof(options.DiscordManagerGuildIds), options.DiscordManagerGuildIds),
        })
        {
            foreach (var id in ids.Where(id => !ulong.TryParse(id, out _)))
            {
                errors.Add(key, $"must contain Discord ids, which are numbers (found '{id}').");
            }
        }

        foreach (var chatId in options.TelegramAdminChatIds.Where(id => id >= 0))
        {
            errors.Add(nameof(options.TelegramAdminChatIds), $"must contain group ids, which are negative numbers such as -1001234567890 (found {chatId}).");
        }

        if (options.PricePerGpuSecond < 0)
        {
            errors.Add(nameof(options.PricePerGpuSecond), $"must not be negative (it is {options.PricePerGpuSecond}).");
        }

        return errors.ToResult();
    }
}
