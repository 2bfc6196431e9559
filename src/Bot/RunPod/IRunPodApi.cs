using Refit;

namespace Bot.RunPod;

/// <summary>RunPod's queue API for one endpoint; the base address ends with the endpoint id.</summary>
public interface IRunPodApi
{
    [Post("/run")]
    Task<RunResponse> RunAsync([Body] RunRequest request, CancellationToken cancellationToken);

    [Get("/status/{id}")]
    Task<JobStatusResponse> GetStatusAsync(string id, CancellationToken cancellationToken);

    [Post("/cancel/{id}")]
    Task<JobStatusResponse> CancelAsync(string id, CancellationToken cancellationToken);

    [Get("/health")]
    Task<HealthResponse> GetHealthAsync(CancellationToken cancellationToken);
}
