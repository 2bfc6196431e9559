using System.Net;
using Polly.CircuitBreaker;
using Polly.Timeout;
using Refit;

namespace Bot.RunPod;

/// <summary>How a RunPod call failed, in the terms the pipeline acts on.</summary>
public enum RunPodFailure
{
    /// <summary>RunPod rejected the API key (401 or 403); nothing works until the operator fixes it.</summary>
    Unauthorized,

    /// <summary>The request certainly did not create anything: connection refused, 429, 503, or the circuit is open.</summary>
    NotSent,

    /// <summary>RunPod rejected the request as invalid (a 4xx other than 401, 403, 404 and 429).</summary>
    Rejected,

    /// <summary>The request may have reached RunPod but the response was lost (timeout, 5xx, broken connection).</summary>
    Unknown,
}

/// <summary>A RunPod call that failed after the resilience pipeline gave up.</summary>
public sealed class RunPodException : Exception
{
    public RunPodException(RunPodFailure failure, string message, Exception? innerException = null, HttpStatusCode? statusCode = null)
        : base(message, innerException)
    {
        Failure = failure;
        StatusCode = statusCode;
    }

    public RunPodException()
        : this(RunPodFailure.Unknown, "The RunPod call failed.")
    {
    }

    public RunPodException(string message)
        : this(RunPodFailure.Unknown, message)
    {
    }

    public RunPodException(string message, Exception innerException)
        : this(RunPodFailure.Unknown, message, innerException)
    {
    }

    public RunPodFailure Failure { get; }

    public HttpStatusCode? StatusCode { get; }
}

/// <summary>The RunPod calls the pipeline makes, with every failure turned into a <see cref="RunPodException"/>.</summary>
public interface IRunPodClient
{
    /// <summary>Sends a job to <c>/run</c> and returns RunPod's job id.</summary>
    Task<string> SubmitAsync(RunRequest request, CancellationToken cancellationToken);

    /// <summary>Returns the job's status, or null when RunPod responds 404 (its time to live or result retention ran out).</summary>
    Task<JobStatusResponse?> GetStatusAsync(string runPodJobId, CancellationToken cancellationToken);

    /// <summary>Cancels a queued or running job; returns null when RunPod no longer has the job.</summary>
    Task<JobStatusResponse?> CancelAsync(string runPodJobId, CancellationToken cancellationToken);

    Task<HealthResponse> GetHealthAsync(CancellationToken cancellationToken);
}

/// <summary>Wraps the Refit API and classifies its failures.</summary>
internal sealed class RunPodClient(IRunPodApi api) : IRunPodClient
{
    public async Task<string> SubmitAsync(RunRequest request, CancellationToken cancellationToken)
    {
        var response = await Call(() => api.RunAsync(request, cancellationToken), cancellationToken);
        if (string.IsNullOrWhiteSpace(response?.Id))
        {
            throw new RunPodException(RunPodFailure.Unknown, "RunPod returned no job id from /run.");
        }

        return response.Id;
    }

    public Task<JobStatusResponse?> GetStatusAsync(string runPodJobId, CancellationToken cancellationToken) =>
        CallAllowingNotFound(() => api.GetStatusAsync(runPodJobId, cancellationToken), cancellationToken);

    public Task<JobStatusResponse?> CancelAsync(string runPodJobId, CancellationToken cancellationToken) =>
        CallAllowingNotFound(() => api.CancelAsync(runPodJobId, cancellationToken), cancellationToken);

    public Task<HealthResponse> GetHealthAsync(CancellationToken cancellationToken) =>
        Call(() => api.GetHealthAsync(cancellationToken), cancellationToken);

    private static async Task<T?> CallAllowingNotFound<T>(Func<Task<T>> call, CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            return await Call(call, cancellationToken);
        }
        catch (RunPodException exception) when (exception.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private static async Task<T> Call<T>(Func<Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call();
        }
        catch (ApiException exception)
        {
            throw Classify(exception);
        }
        catch (ApiRequestException exception) when (exception.InnerException is { } inner && !cancellationToken.IsCancellationRequested)
        {
            // Refit wraps failures that happen before a response arrives, and the inner exception names the cause.
            throw ClassifyTransport(inner, cancellationToken);
        }
        catch (Exception exception) when (exception is HttpRequestException or BrokenCircuitException or TimeoutRejectedException
            || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw ClassifyTransport(exception, cancellationToken);
        }
    }

    private static RunPodException ClassifyTransport(Exception exception, CancellationToken cancellationToken)
    {
        switch (exception)
        {
            case HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError }:
                return new RunPodException(RunPodFailure.NotSent, $"RunPod could not be reached: {exception.Message}", exception);
            case HttpRequestException:
                return new RunPodException(RunPodFailure.Unknown, $"The connection to RunPod failed: {exception.Message}", exception);
            case BrokenCircuitException:
                return new RunPodException(RunPodFailure.NotSent, "RunPod failed repeatedly, so calls are paused for a moment.", exception);
            case TimeoutRejectedException:
                return new RunPodException(RunPodFailure.Unknown, "RunPod did not respond in time.", exception);
            case OperationCanceledException when !cancellationToken.IsCancellationRequested:
                return new RunPodException(RunPodFailure.Unknown, "RunPod did not respond in time.", exception);
            default:
                return new RunPodException(RunPodFailure.Unknown, $"The RunPod call failed: {exception.Message}", exception);
        }
    }

    private static RunPodException Classify(ApiException exception)
    {
        var status = exception.StatusCode;
        var failure = status switch
        {
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => RunPodFailure.Unauthorized,
            HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable => RunPodFailure.NotSent,
            HttpStatusCode.NotFound => RunPodFailure.Rejected,
            _ when (int)status is >= 400 and < 500 => RunPodFailure.Rejected,
            _ => RunPodFailure.Unknown,
        };

        var message = failure == RunPodFailure.Unauthorized
            ? $"RunPod responded {(int)status} {status}: the API key in RunPod:ApiKey is wrong, or has no access to the endpoint in RunPod:EndpointId."
            : $"RunPod responded {(int)status} {status} to {exception.HttpMethod} {exception.Uri?.AbsolutePath}.";
        return new RunPodException(failure, message, exception, status);
    }
}
