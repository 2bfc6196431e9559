using System.Globalization;
using Microsoft.Extensions.Options;

namespace Bot.Configuration;

/// <summary>
/// Collects configuration errors for one section, each naming the full key to fix, so a bad setting stops the
/// bot at start with a message like <c>RunPod:PollInterval must be between 00:00:00.5 and 00:01:00 (it is 00:00:00)</c>.
/// </summary>
internal sealed class OptionsErrors(string section)
{
    private readonly List<string> _errors = [];

    public void Add(string key, string problem) => _errors.Add($"{section}:{key} {problem}");

    public void InRange(string key, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
        {
            Add(key, $"must be between {Format(min)} and {Format(max)} (it is {Format(value)}).");
        }
    }

    /// <summary>Formats a duration the way settings are written: <c>00:00:02</c>, <c>00:00:00.1</c>, <c>7.00:00:00</c>.</summary>
    public static string Format(TimeSpan value)
    {
        var text = value.ToString(value.Days > 0 ? @"d\.hh\:mm\:ss\.fffffff" : @"hh\:mm\:ss\.fffffff", CultureInfo.InvariantCulture);
        return text.TrimEnd('0').TrimEnd('.');
    }

    public void InRange(string key, long value, long min, long max)
    {
        if (value < min || value > max)
        {
            Add(key, $"must be between {min} and {max} (it is {value}).");
        }
    }

    public ValidateOptionsResult ToResult() =>
        _errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(_errors);
}
