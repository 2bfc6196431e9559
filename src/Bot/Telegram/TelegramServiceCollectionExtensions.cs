using Bot.Chat;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Telegram.Bot;

namespace Bot.Telegram;

public static class TelegramServiceCollectionExtensions
{
    public const string HttpClientName = "telegram";

    /// <summary>Registers the Telegram adapter when <c>Telegram:BotToken</c> is set.</summary>
    public static IServiceCollection AddTelegram(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(TelegramOptions.SectionName);
        services.AddOptions<TelegramOptions>().Bind(section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TelegramOptions>, TelegramOptionsValidator>();
        if (!(section.Get<TelegramOptions>() ?? new TelegramOptions()).IsEnabled)
        {
            return services;
        }

        // The token is part of every Bot API URL, so this client must never log its requests.
        // The client lives as long as the bot, so its handler recycles connections itself to follow DNS changes.
        services.AddHttpClient(HttpClientName)
            .RemoveAllLoggers()
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);
        services.AddSingleton<ITelegramBotClient>(provider =>
        {
            var options = provider.GetRequiredService<IOptions<TelegramOptions>>().Value;
            var httpClient = provider.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName);
            httpClient.Timeout = options.RequestTimeout;

            // Flood waits are handled by the adapter, which decides per call whether to wait. The library's own
            // retry would also keep whole uploads in memory to send them again.
            var clientOptions = new TelegramBotClientOptions(options.BotToken!, options.ApiBaseUrl.ToString().TrimEnd('/'))
            {
                RetryThreshold = 0,
            };
            return new TelegramBotClient(clientOptions, httpClient);
        });
        services.AddSingleton<TelegramChatPort>();
        services.AddSingleton<TelegramModerators>();
        services.AddSingleton<IChatPort>(provider => provider.GetRequiredService<TelegramChatPort>());
        services.AddHostedService<TelegramPollingService>();
        return services;
    }
}
