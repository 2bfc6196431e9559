using Bot.Configuration;
using Microsoft.Extensions.Options;

namespace Bot.Telegram;

internal sealed class TelegramOptionsValidator : IValidateOptions<TelegramOptions>
{
    public ValidateOptionsResult Validate(string? name, TelegramOptions options)
    {
        var errors = new OptionsErrors(TelegramOptions.SectionName);
        if (options.IsEnabled && !LooksLikeToken(options.BotToken!))
        {
            // The token itself is never repeated in the message, because messages end up in logs.
            errors.Add(nameof(options.BotToken), "is not a bot token: it should look like 123456789:AA... as @BotFather gives it.");
        }

        if (!options.ApiBaseUrl.IsAbsoluteUri || options.ApiBaseUrl.Scheme is not ("https" or "http"))
        {
            errors.Add(nameof(options.ApiBaseUrl), $"must be an absolute http or https URL (it is '{options.ApiBaseUrl}').");
        }

        errors.InRange(nameof(options.MaxUploadBytes), options.MaxUploadBytes, 1_000_000, 2_000_000_000);
        errors.InRange(nameof(options.StatusEditInterval), options.StatusEditInterval, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
        errors.InRange(nameof(options.PollTimeout), options.PollTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(50));
        errors.InRange(nameof(options.RequestTimeout), options.RequestTimeout, TimeSpan.FromSeconds(10), TimeSpan.FromHours(1));
        return errors.ToResult();
    }

    /// <summary>Checks the shape Telegram.Bot requires: a numeric bot id, a colon, then the secret.</summary>
    private static bool LooksLikeToken(string token)
    {
        var colon = token.IndexOf(':', StringComparison.Ordinal);
        return colon is > 0 and <= 16 && token[..colon].All(char.IsAsciiDigit) && colon < token.Length - 1;
    }
}
