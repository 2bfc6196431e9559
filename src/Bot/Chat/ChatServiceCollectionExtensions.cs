using Microsoft.Extensions.DependencyInjection;

namespace Bot.Chat;

public static class ChatServiceCollectionExtensions
{
    /// <summary>Registers the platform-neutral command handler and the registry of chat ports.</summary>
    public static IServiceCollection AddChat(this IServiceCollection services)
    {
        services.AddSingleton<ChatPorts>();
        services.AddSingleton<ChatCommandHandler>();
        return services;
    }
}
