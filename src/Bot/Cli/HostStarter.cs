using Bot.Storage;
using Microsoft.Extensions.Configuration;
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
        // Validating before the start keeps the host from logging the same errors as a failed start.
        var failures = Validate(host.Services);
        if (failures.Count > 0)
        {
            PrintConfigurationErrors(failures, error);
            return false;
        }

        await host.StartAsync(cancellationToken);
        return true;
    }

    /// <summary>Returns one message per invalid setting, the database location included; empty when all are valid.</summary>
    public static List<string> Validate(IServiceProvider services)
    {
        try
        {
            services.GetService<IStartupValidator>()?.Validate();
        }
        catch (Exception exception) when (ConfigurationProblems.Describe(exception) is { Count: > 0 } failures)
        {
            return failures;
        }

        var connectionString = services.GetRequiredService<IConfiguration>().GetConnectionString(StorageSettings.ConnectionStringName);
        return DatabaseLocation.FindProblem(string.IsNullOrWhiteSpace(connectionString) ? StorageSettings.DefaultConnectionString : connectionString) is { } problem
            ? [problem]
            : [];
    }

    public static void PrintConfigurationErrors(List<string> failures, TextWriter error)
    {
        error.WriteLine("The configuration is invalid:");
        foreach (var failure in failures)
        {
            error.WriteLine($"  - {failure}");
        }

        error.WriteLine("Fix these settings in appsettings.json or the matching environment variables (Section__Key), then start again.");
    }
}
