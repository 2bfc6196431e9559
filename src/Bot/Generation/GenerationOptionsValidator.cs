using Bot.Configuration;
using Microsoft.Extensions.Options;

namespace Bot.Generation;

internal sealed class GenerationOptionsValidator : IValidateOptions<GenerationOptions>
{
    /// <summary>The longest prompt or negative prompt the worker accepts, in code points.</summary>
    public const int MaxWorkerPromptLength = 2000;

    public ValidateOptionsResult Validate(string? name, GenerationOptions options)
    {
        var errors = new OptionsErrors(GenerationOptions.SectionName);
        errors.InRange(nameof(options.MaxPromptLength), options.MaxPromptLength, 1, MaxWorkerPromptLength);

        var preset = VideoPresets.Find(options.Task);
        if (preset is null)
        {
            var tasks = string.Join(", ", VideoPresets.All.Select(p => p.Task));
            errors.Add(nameof(options.Task), $"must be one of {tasks} (it is '{options.Task}').");
        }
        else if (!string.IsNullOrWhiteSpace(options.Size) && !preset.Sizes.Contains(options.Size))
        {
            errors.Add(nameof(options.Size), $"must be one of {string.Join(", ", preset.Sizes)} for task {preset.Task} (it is '{options.Size}').");
        }

        if (!string.IsNullOrEmpty(options.NegativePrompt))
        {
            var check = PromptValidator.Check(options.NegativePrompt, MaxWorkerPromptLength);
            if (check.Problem == PromptProblem.TooLong)
            {
                errors.Add(nameof(options.NegativePrompt), $"is {check.Length} characters long, more than the worker's limit of {MaxWorkerPromptLength}.");
            }
            else if (check.Problem == PromptProblem.ControlCharacters)
            {
                errors.Add(nameof(options.NegativePrompt), "contains control characters; write it as plain text.");
            }
        }

        return errors.ToResult();
    }
}
