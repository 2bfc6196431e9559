using Bot.Configuration;
using Microsoft.Extensions.Options;

namespace Bot.RunPod.LocalEndpoint;

internal sealed class LocalEndpointOptionsValidator : IValidateOptions<LocalEndpointOptions>
{
    public ValidateOptionsResult Validate(string? name, LocalEndpointOptions options)
    {
        var errors = new OptionsErrors(LocalEndpointOptions.SectionName);
        errors.InRange(nameof(options.QueueTime), options.QueueTime, TimeSpan.Zero, TimeSpan.FromMinutes(10));
        errors.InRange(nameof(options.RunTime), options.RunTime, TimeSpan.Zero, TimeSpan.FromHours(1));
        return errors.ToResult();
    }
}
