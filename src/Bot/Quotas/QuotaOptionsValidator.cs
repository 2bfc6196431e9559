using Bot.Configuration;
using Microsoft.Extensions.Options;

namespace Bot.Quotas;

internal sealed class QuotaOptionsValidator : IValidateOptions<QuotaOptions>
{
    public ValidateOptionsResult Validate(string? name, QuotaOptions options)
    {
        var errors = new OptionsErrors(QuotaOptions.SectionName);
        errors.InRange(nameof(options.DefaultAllowance), options.DefaultAllowance, 0, 100_000);
        errors.InRange(nameof(options.MaxConcurrentJobsPerUser), options.MaxConcurrentJobsPerUser, 1, 100);
        if (!Enum.IsDefined(options.Period))
        {
            errors.Add(nameof(options.Period), "must be Daily, Weekly or Monthly.");
        }

        return errors.ToResult();
    }
}
