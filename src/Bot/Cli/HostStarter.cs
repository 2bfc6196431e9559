using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Bot.Cli;

/// <summary>Starts a host and turns invalid settings into a message that names each key to fix.</summary>
internal static class HostStarter
{
    /// <summary>Starts the host; returns false after printing the errors when the settings are invalid.</summary>
    public static async Task<bool> TryStartAsync(IHost host, TextWriter error, CancellationToken cancellationToken)
    {
        try
        {
            // Validating before the start keeps the host from logging the same errors as a failed start.
            host.Services.GetService<IStartupValidator>()?.Validate();
            await host.StartAsync(cancellationToken);
            return true;
        }
        catch (Exception exception) when (ConfigurationErrors(exception) is { Count: > 0 } failures)
        {
            PrintConfigurationErrors(failures, error);
            return false;
        }
    }

    /// <summary>
    /// Returns the messages of every invalid setting in <paramref name="exception"/>; several invalid
    /// sections arrive as an <see cref="AggregateException"/>.
    /// </summary>
    public static List<string> ConfigurationErrors(Exception exception) => exception switch
    {
        OptionsValidationException validation => [.. validation.Failures],
        AggregateException aggregate => [.. aggregate.InnerExceptions.SelectMany(ConfigurationErrors)],
        _ => [],
    };

    private static void PrintConfigurationErrors(List<string> failures, TextWriter error)
    {
        error.WriteLine("The configuration is invalid:");
        foreach (var failure in failures)
        {
            error.WriteLine($"  - {failure}");
        }

        error.WriteLine("Fix these settings in appsettings.json or the matching environment variables (Section__Key), then start again.");
    }
}
