using Bot.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Jobs;

public static class JobsServiceCollectionExtensions
{
    /// <summary>
    /// Registers the job pipeline: acceptance, the dispatch, poll and delivery loops, and the status reporter.
    /// The loops only pick up jobs of platforms with a registered chat port.
    /// </summary>
    public static IServiceCollection AddJobs(this IServiceCollection services)
    {
        services.AddSingleton<FatalErrors>();
        services.AddSingleton<JobStore>();
        services.AddSingleton<JobSignals>();
        services.AddSingleton<JobScope>();
        services.AddSingleton<JobAcceptor>();
        services.AddSingleton<JobCanceller>();
        services.AddSingleton<VideoFetcher>();
        services.AddHttpClient(VideoFetcher.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .AddStandardResilienceHandler(options =>
            {
                // The download itself is bounded by the delivery's own timeout; these cover getting the headers.
                options.AttemptTimeout.Timeout = TimeSpan.FromSeconds(30);
                options.TotalRequestTimeout.Timeout = TimeSpan.FromMinutes(2);
                options.CircuitBreaker.SamplingDuration = TimeSpan.FromMinutes(1);
            });

        services.AddSingleton<StatusReporter>();
        services.AddHostedService(provider => provider.GetRequiredService<StatusReporter>());
        services.AddHostedService<JobDispatcher>();
        services.AddHostedService<JobPoller>();
        services.AddHostedService<JobDeliverer>();
        return services;
    }
}
