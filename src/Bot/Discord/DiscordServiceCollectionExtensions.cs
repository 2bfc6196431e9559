using Bot.Chat;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bot.Discord;

public static class DiscordServiceCollectionExtensions
{
    public const string HttpClientName = "discord";

    /// <summary>Registers the Discord adapter when <c>Discord:BotToken</c> is set.</summary>
    public static IServiceCollection AddDiscord(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(DiscordOptions.SectionName);
        services.AddOptions<DiscordOptions>().Bind(section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<DiscordOptions>, DiscordOptionsValidator>();
        if (!(section.Get<DiscordOptions>() ?? new DiscordOptions()).IsEnabled)
        {
            return services;
        }

        // Interaction and webhook URLs contain the interaction token, so this client must never log its requests.
        services.AddHttpClient(HttpClientName)
            .RemoveAllLoggers()
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);

        services.AddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<DiscordOptions>>().Value;
            var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName);
            return new DiscordRestClient(
                http,
                new DiscordRestOptions { BaseUrl = options.RestBaseUrl, Token = options.BotToken! },
                provider.GetRequiredService<TimeProvider>(),
                provider.GetRequiredService<ILogger<DiscordRestClient>>());
        });
        services.AddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<DiscordOptions>>().Value;
            return new DiscordGatewayClient(
                provider.GetRequiredService<DiscordRestClient>(),
                new DiscordGatewayOptions
                {
                    Token = options.BotToken!,
                    ShardId = options.ShardId,
                    ShardCount = options.ShardCount,
                    GatewayUrl = options.GatewayUrl,
                },
                provider.GetRequiredService<TimeProvider>(),
                provider.GetRequiredService<ILogger<DiscordGatewayClient>>());
        });
        services.AddSingleton<DiscordApplication>();
        services.AddSingleton<DiscordCommands>();
        services.AddSingleton<DiscordChatPort>();
        services.AddSingleton<IChatPort>(provider => provider.GetRequiredService<DiscordChatPort>());
        services.AddHostedService<DiscordBotService>();
        return services;
    }
}
