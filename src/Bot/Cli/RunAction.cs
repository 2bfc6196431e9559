using Bot.Discord;
using Bot.Hosting;
using Bot.Telegram;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Bot.Cli;

/// <summary>Serves the configured chat platforms until the process is stopped.</summary>
internal static class RunAction
{
    public static async Task<int> ExecuteAsync(CancellationToken cancellationToken)
    {
        var builder = Program.CreateBuilder(BotMode.Serve);
        using var host = builder.Build();
        var failures = HostStarter.Validate(host.Services);
        if (failures.Count > 0)
        {
            HostStarter.PrintConfigurationErrors(failures, Console.Error);
            return ExitCodes.InvalidConfiguration;
        }

        var telegram = builder.Configuration.GetSection(TelegramOptions.SectionName).Get<TelegramOptions>() ?? new TelegramOptions();
        var discord = builder.Configuration.GetSection(DiscordOptions.SectionName).Get<DiscordOptions>() ?? new DiscordOptions();
        if (!telegram.IsEnabled && !discord.IsEnabled)
        {
            await Console.Error.WriteLineAsync(
                "No chat platform is configured. Set Telegram:BotToken (environment variable Telegram__BotToken) to the token from " +
                "@BotFather, or Discord:BotToken (Discord__BotToken) to the token from the Discord Developer Portal, or both. " +
                "To try the pipeline without a chat, run: generate \"a red fox running through snow\"");
            return ExitCodes.InvalidConfiguration;
        }

        await host.StartAsync(cancellationToken);
        await host.WaitForShutdownAsync(cancellationToken);
        if (host.Services.GetRequiredService<FatalErrors>().Reason is not null)
        {
            return ExitCodes.Fatal;
        }

        // A background service that crashed stopped the host; a non-zero code lets a supervisor restart the bot.
        var crashed = host.Services.GetServices<IHostedService>().OfType<BackgroundService>().Any(service => service.ExecuteTask?.IsFaulted == true);
        return crashed ? ExitCodes.Failed : ExitCodes.Success;
    }
}
