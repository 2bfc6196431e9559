using Bot.Chat;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Cli;

public static class ConsoleChatServiceCollectionExtensions
{
    /// <summary>Registers the terminal as the chat of the <c>generate</c> command.</summary>
    public static IServiceCollection AddConsoleChat(this IServiceCollection services)
    {
        services.AddSingleton(_ => new ConsoleChatPort(Console.Out, interactive: !Console.IsOutputRedirected));
        services.AddSingleton<IChatPort>(provider => provider.GetRequiredService<ConsoleChatPort>());
        return services;
    }
}
