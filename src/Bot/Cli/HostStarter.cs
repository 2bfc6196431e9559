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
            await host.StartAsync(cancellationToken);
            return true;
        }
        catch (OptionsValidationException exception)
        {
            PrintConfigurationErrors(exception, error);
            return false;
        }
    }

    public static void PrintConfigurationErrors(OptionsValidationException exception, TextWriter error)
    {
        error.WriteLine("The configuration is invalid:");
        foreach (var failure in exception.Failures)
        {
            error.WriteLine($"  - {failure}");
        }

        error.WriteLine("Fix these settings in appsettings.json or the matching environment variables (Section__Key), then start again.");
    }
}
