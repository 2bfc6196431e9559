using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace Bot.RunPod;

/// <summary>Decides which failed RunPod calls may be sent again.</summary>
internal static class RunPodResilience
{
    /// <summary>
    /// Returns whether a failed attempt may be retried. <c>/run</c> is retried only when the request cannot have
    /// created a job (no connection, 429, 503), because RunPod has no idempotency key and a duplicate job costs
    /// GPU time. Other calls read or cancel, so every transient failure is retried.
    /// </summary>
    public static bool ShouldRetry(HttpRequestMessage? request, Outcome<HttpResponseMessage> outcome)
    {
        if (!IsRun(request))
        {
            return HttpClientResiliencePredicates.IsTransient(outcome);
        }

        return outcome switch
        {
            { Exception: HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError } } => true,
            { Result.StatusCode: HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable } => true,
            _ => false,
        };
    }

    /// <summary>Returns whether an outcome counts as the endpoint being down, for the circuit breaker.</summary>
    public static bool IsEndpointFailure(Outcome<HttpResponseMessage> outcome) =>
        outcome switch
        {
            { Exception: HttpRequestException or Polly.Timeout.TimeoutRejectedException } => true,
            { Result.StatusCode: var status } when (int)status >= 500 => true,
            _ => false,
        };

    private static bool IsRun(HttpRequestMessage? request) =>
        request?.Method == HttpMethod.Post && request.RequestUri?.AbsolutePath.EndsWith("/run", StringComparison.Ordinal) == true;
}
