namespace Bot.RunPod;

/// <summary>
/// The base address of the endpoint the RunPod client calls: RunPod's, or the local endpoint's once it has
/// started on its free port. The client reads it each time one is created.
/// </summary>
public sealed class RunPodEndpointAddress
{
    private Uri? _baseAddress;

    public Uri BaseAddress
    {
        get => _baseAddress ?? throw new InvalidOperationException("The local RunPod endpoint has not started yet.");
        set => _baseAddress = value;
    }

    public bool IsLocal { get; set; }

    /// <summary>Returns the address of one endpoint under a queue API base such as <c>https://api.runpod.ai/v2</c>.</summary>
    public static Uri For(Uri baseUrl, string endpointId) => new($"{baseUrl.ToString().TrimEnd('/')}/{endpointId}");
}
