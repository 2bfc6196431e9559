using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Bot.Cli;

/// <summary>Turns the exceptions that invalid settings cause into messages that name the key and the fix.</summary>
internal static partial class ConfigurationProblems
{
    /// <summary>Returns one message per invalid setting in <paramref name="exception"/>; empty when the exception has another cause.</summary>
    public static List<string> Describe(Exception exception) => exception switch
    {
        OptionsValidationException validation => [.. validation.Failures],
        AggregateException aggregate => [.. aggregate.InnerExceptions.SelectMany(Describe)],
        InvalidDataException when exception.Message.StartsWith("Failed to load configuration from file", StringComparison.Ordinal) =>
            [$"{exception.Message} {exception.GetBaseException().Message} Fix the file, or remove it to use the defaults and environment variables."],
        InvalidOperationException when ConversionFailure().Match(exception.Message) is { Success: true } match =>
            [Conversion(match.Groups["value"].Value, match.Groups["key"].Value, match.Groups["type"].Value)],
        _ => [],
    };

    private static string Conversion(string value, string key, string typeName)
    {
        var type = typeof(ConfigurationProblems).Assembly.GetType(typeName) ?? Type.GetType(typeName);
        var expected = type switch
        {
            { IsEnum: true } => $"one of {string.Join(", ", Enum.GetNames(type))}",
            _ when type == typeof(TimeSpan) => "a duration written as hh:mm:ss, for example 00:00:02 for two seconds",
            _ when type == typeof(int) || type == typeof(long) => "a whole number",
            _ when type == typeof(bool) => "true or false",
            _ when type == typeof(Uri) => "an absolute URL",
            _ => $"a value of type {typeName}",
        };
        return $"{key} must be {expected} (it is '{value}').";
    }

    [GeneratedRegex("^Failed to convert configuration value '(?<value>.*)' at '(?<key>[^']*)' to type '(?<type>[^']*)'")]
    private static partial Regex ConversionFailure();
}
