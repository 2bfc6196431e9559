using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization;
using Bot.RunPod.LocalEndpoint;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Refit;

namespace Bot.RunPod;

public static class RunPodServiceCollectionExtensions
{
    /// <summary>
    /// Registers the RunPod client with its resilience pipeline, and the local endpoint when
    /// <c>RunPod:EndpointId</c> is empty.
    /// </summary>
    public static IServiceCollection AddRunPod(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RunPodOptions>().Bind(configuration.GetSection(RunPodOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RunPodOptions>, RunPodOptionsValidator>();
        services.AddOptions<LocalEndpointOptions>().Bind(configuration.GetSection(LocalEndpointOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<LocalEndpointOptions>, LocalEndpointOptionsValidator>();

        var runPod = configuration.GetSection(RunPodOptions.SectionName).Get<RunPodOptions>() ?? new RunPodOptions();
        var address = new RunPodEndpointAddress();
        if (runPod.UsesLocalEndpoint)
        {
            services.AddSingleton<LocalEndpointService>();
            services.AddHostedService(provider => provider.GetRequiredService<LocalEndpointService>());
        }
        else
        {
            address.BaseAddress = RunPodEndpointAddress.For(runPod.BaseUrl, runPod.EndpointId!);
        }

        services.AddSingleton(address);

        var serializer = new SystemTextJsonContentSerializer(new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        });
        services.AddRefitGeneratedClient<IRunPodApi>(new RefitSettings(serializer))
            .ConfigureHttpClient((provider, client) =>
            {
                var options = provider.GetRequiredService<IOptions<RunPodOptions>>().Value;
                client.BaseAddress = provider.GetRequiredService<RunPodEndpointAddress>().BaseAddress;

                // The resilience pipeline times out each attempt; the client's own timeout must not cut retries short.
                client.Timeout = Timeout.InfiniteTimeSpan;
                if (!string.IsNullOrWhiteSpace(options.ApiKey))
                {
                    client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.ApiKey);
                }
            })
            .AddResilienceHandler("runpod", (pipeline, context) =>
            {
                var options = context.ServiceProvider.GetRequiredService<IOptions<RunPodOptions>>().Value;
                pipeline
                    .AddRetry(new HttpRetryStrategyOptions
                    {
                        MaxRetryAttempts = Math.Max(1, options.MaxRetries),
                        BackoffType = DelayBackoffType.Exponential,
                        UseJitter = true,
                        Delay = options.RetryDelay,
                        MaxDelay = TimeSpan.FromSeconds(30),
                        ShouldRetryAfterHeader = true,
                        ShouldHandle = arguments => ValueTask.FromResult(
                            options.MaxRetries > 0 && RunPodResilience.ShouldRetry(arguments.Context.GetRequestMessage(), arguments.Outcome)),
                    })
                    .AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
                    {
                        FailureRatio = 0.5,
                        MinimumThroughput = 6,
                        SamplingDuration = TimeSpan.FromSeconds(30),
                        BreakDuration = TimeSpan.FromSeconds(15),
                        ShouldHandle = arguments => ValueTask.FromResult(RunPodResilience.IsEndpointFailure(arguments.Outcome)),
                    })
                    .AddTimeout(options.RequestTimeout);
            });

        services.AddTransient<IRunPodClient, RunPodClient>();
        return services;
    }
}
