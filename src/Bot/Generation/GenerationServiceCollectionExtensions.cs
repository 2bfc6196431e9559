using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Bot.Generation;

public static class GenerationServiceCollectionExtensions
{
    /// <summary>Registers the settings that shape each request.</summary>
    public static IServiceCollection AddGeneration(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<GenerationOptions>().Bind(configuration.GetSection(GenerationOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<GenerationOptions>, GenerationOptionsValidator>();
        return services;
    }
}
