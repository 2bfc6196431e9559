namespace Bot.RunPod.LocalEndpoint;

/// <summary>How the built-in local endpoint paces its jobs. It runs only when <c>RunPod:EndpointId</c> is empty.</summary>
public sealed class LocalEndpointOptions
{
    public const string SectionName = "LocalEndpoint";

    /// <summary>How long each job waits as <c>IN_QUEUE</c>. Default 1 second; 0 to 10 minutes.</summary>
    public TimeSpan QueueTime { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long each job runs as <c>IN_PROGRESS</c>, reporting progress. Default 8 seconds; 0 to 1 hour.</summary>
    public TimeSpan RunTime { get; set; } = TimeSpan.FromSeconds(8);
}
