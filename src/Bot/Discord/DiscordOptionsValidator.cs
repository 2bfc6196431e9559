using Bot.Configuration;
using Microsoft.Extensions.Options;

namespace Bot.Discord;

internal sealed class DiscordOptionsValidator : IValidateOptions<DiscordOptions>
{
    public ValidateOptionsResult Validate(string? name, DiscordOptions options)
    {
        var errors = new OptionsErrors(DiscordOptions.SectionName);
        if (options.BotToken is { Length: > 0 } token && (token.Count(c => c == '.') != 2 || token.Any(char.IsWhiteSpace)))
        {
            // The token itself is never repeated in the message, because messages end up in logs.
            errors.Add(nameof(options.BotToken), "is not a bot token: it should be three parts separated by dots, as the Developer Portal's Bot page shows it.");
        }

        errors.InRange(nameof(options.ShardCount), options.ShardCount, 1, 10_000);
        errors.InRange(nameof(options.StatusEditInterval), options.StatusEditInterval, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
        errors.InRange(nameof(options.ShardId), options.ShardId, 0, Math.Max(0, options.ShardCount - 1));
        foreach (var guildId in options.GuildIds.Where(id => !ulong.TryParse(id, out _)))
        {
            errors.Add(nameof(options.GuildIds), $"must contain server ids, which are numbers (found '{guildId}'). Copy them with Developer Mode on.");
        }

        foreach (var (key, url) in new[] { (nameof(options.RestBaseUrl), options.RestBaseUrl), (nameof(options.GatewayUrl), options.GatewayUrl) })
        {
            if (url is not null && !url.IsAbsoluteUri)
            {
                errors.Add(key, $"must be an absolute URL (it is '{url}').");
            }
        }

        return errors.ToResult();
    }
}
