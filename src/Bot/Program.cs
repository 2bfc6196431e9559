using Bot.Chat;
using Bot.Cli;
using Bot.Discord;
using Bot.Generation;
using Bot.Jobs;
using Bot.Moderation;
using Bot.Quotas;
using Bot.RunPod;
using Bot.Storage;
using Bot.Telegram;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// `run` (the default) serves the chats, `generate` makes one video in the terminal, `check` tests the settings.
return await BotCommandLine.InvokeAsync(args);

/// <summary>The bot's host: every feature registers itself here, in the order its background services start.</summary>
public static partial class Program
{
    private static readonly Dictionary<string, string?> QuietLogging = new()
    {
        ["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "Warning",
        ["Logging:LogLevel:System.Net.Http.HttpClient"] = "Warning",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        ["Logging:LogLevel:Polly"] = "Warning",
    };

    /// <summary>Creates the host builder for one mode, with optional settings that override every other source.</summary>
    public static HostApplicationBuilder CreateBuilder(BotMode mode, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [] });

        // Every SQL command, HTTP call and retry attempt would otherwise be logged at Information; the bot logs
        // its own steps. These defaults come first, so appsettings.json and environment variables override them.
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = QuietLogging });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        builder.Logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.TimestampFormat = "yyyy-MM-dd HH:mm:ss ";
            console.UseUtcTimestamp = true;
        });

        // An upload under way gets JobDeliverer.ShutdownGrace to finish when the bot stops; this leaves time to record it.
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = JobDeliverer.ShutdownGrace + TimeSpan.FromSeconds(15));

        var configuration = builder.Configuration;
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services
            .AddStorage(configuration)
            .AddQuotas(configuration)
            .AddModeration(configuration)
            .AddGeneration(configuration)
            .AddRunPod(configuration)
            .AddJobs()
            .AddChat();

        if (mode is BotMode.Serve or BotMode.Check)
        {
            builder.Services
                .AddTelegram(configuration)
                .AddDiscord(configuration);
        }
        else if (mode == BotMode.Generate)
        {
            builder.Services.AddConsoleChat();
        }

        return builder;
    }
}
