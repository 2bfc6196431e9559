using System.Collections.Concurrent;
using System.Net;

namespace Bot.RunPod.LocalEndpoint;

/// <summary>How the local endpoint returns a finished video.</summary>
public enum LocalOutputMode
{
    /// <summary><c>video_base64</c>, as a worker without a bucket returns it.</summary>
    Base64,

    /// <summary><c>video_url</c>, served by the local endpoint itself, as a worker with a bucket returns it.</summary>
    Url,

    /// <summary>No output at all, as RunPod reports a job whose result was over its size limit.</summary>
    Missing,
}

/// <summary>A status code the local endpoint returns instead of doing its work.</summary>
/// <param name="Route">The route it applies to: <c>run</c>, <c>status</c>, <c>cancel</c> or <c>health</c>.</param>
/// <param name="StatusCode">The HTTP status to return.</param>
/// <param name="RetryAfter">A <c>Retry-After</c> header to send, if any.</param>
public sealed record InjectedFault(string Route, HttpStatusCode StatusCode, TimeSpan? RetryAfter = null);

/// <summary>
/// Knobs that change what the local endpoint does: job pacing, failures, error responses and expiry. The bot
/// leaves them at their defaults; tests change them to drive the pipeline through each path.
/// </summary>
public sealed class LocalEndpointBehavior
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<InjectedFault>> _faults = new(StringComparer.Ordinal);

    public LocalEndpointBehavior(LocalEndpointOptions options)
    {
        QueueTime = options.QueueTime;
        RunTime = options.RunTime;
    }

    /// <summary>How long new jobs stay <c>IN_QUEUE</c>.</summary>
    public TimeSpan QueueTime { get; set; }

    /// <summary>How long new jobs stay <c>IN_PROGRESS</c>.</summary>
    public TimeSpan RunTime { get; set; }

    /// <summary>When set, new jobs end <c>FAILED</c> with this message as their error.</summary>
    public string? FailureMessage { get; set; }

    /// <summary>When set, new jobs end <c>TIMED_OUT</c>.</summary>
    public bool TimeOutJobs { get; set; }

    /// <summary>When set, <c>/status</c> and <c>/cancel</c> return 404 for every job, as RunPod does once a job expired.</summary>
    public bool ExpireJobs { get; set; }

    /// <summary>How finished jobs return their video.</summary>
    public LocalOutputMode OutputMode { get; set; } = LocalOutputMode.Base64;

    /// <summary>Replaces the sample clip, e.g. with a large or broken file.</summary>
    public byte[]? VideoOverride { get; set; }

    /// <summary>Delays every <c>/run</c> answer, to make the bot's request time out after RunPod received it.</summary>
    public TimeSpan RunResponseDelay { get; set; }

    /// <summary>Queues an answer for the next call to <paramref name="fault"/>'s route; faults for one route are used in order.</summary>
    public void Inject(InjectedFault fault) => _faults.GetOrAdd(fault.Route, _ => new ConcurrentQueue<InjectedFault>()).Enqueue(fault);

    internal InjectedFault? TakeFault(string route) =>
        _faults.TryGetValue(route, out var queue) && queue.TryDequeue(out var fault) ? fault : null;
}
