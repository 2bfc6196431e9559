using Bot.Configuration;
using Microsoft.Extensions.Options;

namespace Bot.RunPod;

internal sealed class RunPodOptionsValidator : IValidateOptions<RunPodOptions>
{
    public ValidateOptionsResult Validate(string? name, RunPodOptions options)
    {
        var errors = new OptionsErrors(RunPodOptions.SectionName);
        if (!options.UsesLocalEndpoint && string.IsNullOrWhiteSpace(options.ApiKey))
        {
            errors.Add(nameof(options.ApiKey), "is missing: RunPod:EndpointId is set, so the API key from the RunPod console is required (environment variable RunPod__ApiKey).");
        }

        if (!options.UsesLocalEndpoint && options.EndpointId!.Any(c => !char.IsAsciiLetterOrDigit(c) && c is not '-' and not '_'))
        {
            errors.Add(nameof(options.EndpointId), $"must be the endpoint id from the RunPod console: letters, digits, '-' and '_' (it is '{options.EndpointId}').");
        }

        if (!options.BaseUrl.IsAbsoluteUri || options.BaseUrl.Scheme is not ("https" or "http"))
        {
            errors.Add(nameof(options.BaseUrl), $"must be an absolute http or https URL (it is '{options.BaseUrl}').");
        }

        errors.InRange(nameof(options.ExecutionTimeout), options.ExecutionTimeout, TimeSpan.FromSeconds(5), TimeSpan.FromDays(7));
        errors.InRange(nameof(options.Ttl), options.Ttl, TimeSpan.FromSeconds(10), TimeSpan.FromDays(7));
        errors.InRange(nameof(options.PollInterval), options.PollInterval, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(1));
        errors.InRange(nameof(options.MaxPollInterval), options.MaxPollInterval, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10));
        if (options.MaxPollInterval < options.PollInterval)
        {
            errors.Add(nameof(options.MaxPollInterval), $"must not be shorter than RunPod:PollInterval ({options.PollInterval}).");
        }

        errors.InRange(nameof(options.MaxInFlightJobs), options.MaxInFlightJobs, 1, 1000);
        errors.InRange(nameof(options.JobDeadline), options.JobDeadline, TimeSpan.FromMinutes(1), TimeSpan.FromDays(7));
        errors.InRange(nameof(options.RequestTimeout), options.RequestTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5));
        errors.InRange(nameof(options.RetryDelay), options.RetryDelay, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(1));
        errors.InRange(nameof(options.MaxRetries), options.MaxRetries, 0, 10);
        return errors.ToResult();
    }
}
