using Bot.Configuration;
using Microsoft.Extensions.Options;

namespace Bot.Generation;

internal sealed class GenerationOptionsValidator : IValidateOptions<GenerationOptions>
{
    public ValidateOptionsResult Validate(string? name, GenerationOptions options)
    {
        var errors = new OptionsErrors(GenerationOptions.SectionName);
        errors.InRange(nameof(options.MaxPromptLength), options.MaxPromptLength, 1, 2000);

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

        return errors.ToResult();
    }
}
