namespace Bot.RunPod;

/// <summary>The RunPod Serverless endpoint the bot sends jobs to, and how it follows them.</summary>
public sealed class RunPodOptions
{
    public const string SectionName = "RunPod";

    /// <summary>
    /// The endpoint id from the RunPod console. Default: empty, which starts the built-in local endpoint on
    /// 127.0.0.1 and sends jobs there (a sample clip instead of a generated video).
    /// </summary>
    public string? EndpointId { get; set; }

    /// <summary>The RunPod API key, sent as a bearer token. Required when <see cref="EndpointId"/> is set.</summary>
    public string? ApiKey { get; set; }

    /// <summary>The queue API base. Default <c>https://api.runpod.ai/v2</c>; the endpoint id is appended to it.</summary>
    public Uri BaseUrl { get; set; } = new("https://api.runpod.ai/v2");

    /// <summary>
    /// How long the worker may run one job (<c>policy.executionTimeout</c>). Default 30 minutes; 5 seconds to 7 days.
    /// RunPod's own default is 10 minutes, too short for Wan2.2 A14B at 720p (about 17 minutes on an H100).
    /// </summary>
    public TimeSpan ExecutionTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// How long RunPod keeps the job, queue time included (<c>policy.ttl</c>). Default 2 hours; 10 seconds to 7 days.
    /// A job whose time to live runs out is deleted, even mid-run, and the bot reports it expired.
    /// </summary>
    public TimeSpan Ttl { get; set; } = TimeSpan.FromHours(2);

    /// <summary>
    /// The base interval between status checks of a running job. Default 2 seconds; 100 ms to 1 minute. Queued
    /// jobs are checked less often the longer they wait, and failed checks back off, up to <see cref="MaxPollInterval"/>.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest interval between two status checks of one job. Default 30 seconds; 1 second to 10 minutes.</summary>
    public TimeSpan MaxPollInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Jobs sent to RunPod at once, across all users: the operator's cap on parallel GPU spend. Further jobs wait
    /// in the bot. Default 3; 1 to 1000.
    /// </summary>
    public int MaxInFlightJobs { get; set; } = 3;

    /// <summary>
    /// The bot's own deadline for one job, counted from acceptance: a job not delivered by then is cancelled on
    /// RunPod and its quota released. Default 2 hours; 1 minute to 7 days.
    /// </summary>
    public TimeSpan JobDeadline { get; set; } = TimeSpan.FromHours(2);

    /// <summary>How long one HTTP call to RunPod may take before it is abandoned. Default 30 seconds; 1 second to 5 minutes.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The first retry delay for RunPod calls that may be retried; later retries back off exponentially with jitter. Default 1 second.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Retries after a failed RunPod call that may be retried. Default 4; 0 to 10.</summary>
    public int MaxRetries { get; set; } = 4;

    public bool UsesLocalEndpoint => string.IsNullOrWhiteSpace(EndpointId);
}
