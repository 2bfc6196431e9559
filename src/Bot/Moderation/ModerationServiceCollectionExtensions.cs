using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Bot.Moderation;

public static class ModerationServiceCollectionExtensions
{
    /// <summary>Registers who moderates, the prompt policy, and the moderator commands.</summary>
    public static IServiceCollection AddModeration(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ModerationOptions>().Bind(configuration.GetSection(ModerationOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ModerationOptions>, ModerationOptionsValidator>();
        services.AddSingleton<PromptPolicy>();
        services.AddSingleton<ModerationService>();
        return services;
    }
}
