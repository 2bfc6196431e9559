using Bot.Discord;
using Bot.RunPod;
using Bot.Storage;
using Bot.Telegram;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Telegram.Bot;
using Telegram.Bot.Exceptions;

namespace Bot.Cli;

/// <summary>Checks the settings and each service they name, and prints what works and what does not.</summary>
internal static class CheckAction
{
    public static async Task<int> ExecuteAsync(TextWriter output, CancellationToken cancellationToken)
    {
        var builder = Program.CreateBuilder(BotMode.Check);

        // Retries and their warnings would bury the results; each check prints its own outcome.
        builder.Logging.SetMinimumLevel(LogLevel.Error);
        using var host = builder.Build();
        var services = host.Services;

        var errors = HostStarter.Validate(services);
        if (errors.Count > 0)
        {
            await output.WriteLineAsync("✗ Settings:");
            foreach (var error in errors)
            {
                await output.WriteLineAsync($"    {error}");
            }

            return ExitCodes.InvalidConfiguration;
        }

        await output.WriteLineAsync("✓ Settings are valid.");
        var ok = await CheckDatabaseAsync(services, output, cancellationToken);
        ok &= await CheckRunPodAsync(services, output, cancellationToken);
        ok &= await CheckTelegramAsync(services, output, cancellationToken);
        ok &= await CheckDiscordAsync(services, output, cancellationToken);
        if (!services.GetRequiredService<IOptions<TelegramOptions>>().Value.IsEnabled && !services.GetRequiredService<IOptions<DiscordOptions>>().Value.IsEnabled)
        {
            await output.WriteLineAsync("• No chat platform is configured, so run has nothing to serve; generate works without one.");
        }

        return ok ? ExitCodes.Success : ExitCodes.Failed;
    }

    private static async Task<bool> CheckDatabaseAsync(IServiceProvider services, TextWriter output, CancellationToken cancellationToken)
    {
        try
        {
            await using var context = await services.GetRequiredService<IDbContextFactory<BotDbContext>>().CreateDbContextAsync(cancellationToken);
            var dataSource = new SqliteConnectionStringBuilder(context.Database.GetConnectionString()).DataSource;
            var pending = (await context.Database.GetPendingMigrationsAsync(cancellationToken)).Count();
            await output.WriteLineAsync(pending == 0
                ? $"✓ Database {dataSource} is up to date."
                : $"✓ Database {dataSource} is readable; {pending} migrations are applied at the next start.");
            return true;
        }
        catch (SqliteException exception)
        {
            await output.WriteLineAsync($"✗ Database: {exception.Message} Check ConnectionStrings:Bot and the folder's permissions.");
            return false;
        }
    }

    private static async Task<bool> CheckRunPodAsync(IServiceProvider services, TextWriter output, CancellationToken cancellationToken)
    {
        var options = services.GetRequiredService<IOptions<RunPodOptions>>().Value;
        if (options.UsesLocalEndpoint)
        {
            await output.WriteLineAsync(
                "• RunPod: no endpoint configured, so jobs run on the built-in local endpoint (a sample clip, no GPU). " +
                "Set RunPod:EndpointId and RunPod:ApiKey to generate real videos.");
            return true;
        }

        try
        {
            var health = await services.GetRequiredService<IRunPodClient>().GetHealthAsync(cancellationToken);
            await output.WriteLineAsync(
                $"✓ RunPod endpoint {options.EndpointId}: {health.Workers?.Idle ?? 0} idle and {health.Workers?.Running ?? 0} running workers, " +
                $"{health.Jobs?.InQueue ?? 0} jobs queued and {health.Jobs?.InProgress ?? 0} in progress.");
            return true;
        }
        catch (RunPodException exception)
        {
            var hint = exception.StatusCode == System.Net.HttpStatusCode.NotFound
                ? " RunPod does not know this endpoint: check RunPod:EndpointId."
                : string.Empty;
            await output.WriteLineAsync($"✗ RunPod endpoint {options.EndpointId}: {exception.Message}{hint}");
            return false;
        }
    }

    private static async Task<bool> CheckTelegramAsync(IServiceProvider services, TextWriter output, CancellationToken cancellationToken)
    {
        var options = services.GetRequiredService<IOptions<TelegramOptions>>().Value;
        if (!options.IsEnabled)
        {
            await output.WriteLineAsync("• Telegram: not configured. Set Telegram:BotToken to the token from @BotFather.");
            return true;
        }

        try
        {
            var me = await services.GetRequiredService<ITelegramBotClient>().GetMe(cancellationToken);
            await output.WriteLineAsync($"✓ Telegram: the token belongs to @{me.Username} ({me.Id}), via {options.ApiBaseUrl}.");
            return true;
        }
        catch (ApiRequestException exception) when (exception.ErrorCode == 401)
        {
            await output.WriteLineAsync("✗ Telegram: the token in Telegram:BotToken was rejected (401 Unauthorized). Get the current one from @BotFather.");
            return false;
        }
        catch (RequestException exception)
        {
            await output.WriteLineAsync($"✗ Telegram: {options.ApiBaseUrl} could not be reached: {exception.Message}");
            return false;
        }
    }

    private static async Task<bool> CheckDiscordAsync(IServiceProvider services, TextWriter output, CancellationToken cancellationToken)
    {
        var options = services.GetRequiredService<IOptions<DiscordOptions>>().Value;
        if (!options.IsEnabled)
        {
            await output.WriteLineAsync("• Discord: not configured. Set Discord:BotToken to the token from the Developer Portal's Bot page.");
            return true;
        }

        try
        {
            var me = await services.GetRequiredService<DiscordRestClient>().GetCurrentUserAsync(cancellationToken);
            await output.WriteLineAsync($"✓ Discord: the token belongs to {me.Username} ({me.Id}), via {options.RestBaseUrl}.");
            return true;
        }
        catch (DiscordApiException exception) when (exception.StatusCode == System.Net.HttpStatusCode.Unauthorized)
        {
            await output.WriteLineAsync("✗ Discord: the token in Discord:BotToken was rejected (401 Unauthorized). Reset it on the Developer Portal's Bot page and copy the new one.");
            return false;
        }
        catch (Exception exception) when (exception is DiscordApiException or HttpRequestException)
        {
            await output.WriteLineAsync($"✗ Discord: {options.RestBaseUrl} could not be reached: {exception.Message}");
            return false;
        }
    }
}
