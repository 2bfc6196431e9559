using System.Text.Json.Nodes;
using Bot.Generation;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bot.Discord;

/// <summary>
/// The slash commands and their registration: by bulk overwrite, in the servers of <c>Discord:GuildIds</c>
/// (where changes show at once) or globally, and only when the registered set differs from this one, since
/// each new command counts toward Discord's 200 creations per server per day.
/// </summary>
internal sealed partial class DiscordCommands(
    DiscordRestClient rest,
    IOptions<DiscordOptions> options,
    IOptions<GenerationOptions> generationOptions,
    ILogger<DiscordCommands> logger)
{
    /// <summary>Returns the command definitions, with the prompt's length capped at <c>Generation:MaxPromptLength</c>.</summary>
    public JsonArray Definitions() =>
    [
        new JsonObject
        {
            ["name"] = "generate",
            ["type"] = 1,
            ["description"] = "Make a video from a description",
            ["options"] = new JsonArray(new JsonObject
            {
                ["type"] = 3,
                ["name"] = "prompt",
                ["description"] = "What the video shows, e.g. a red fox running through snow",
                ["required"] = true,
                ["max_length"] = generationOptions.Value.MaxPromptLength,
            }),
        },
        new JsonObject { ["name"] = "quota", ["type"] = 1, ["description"] = "Show how many videos you have left" },
        new JsonObject { ["name"] = "help", ["type"] = 1, ["description"] = "Show what the bot can do" },
    ];

    /// <summary>Registers the commands wherever the registered set differs from <see cref="Definitions"/>.</summary>
    public async Task RegisterAsync(string applicationId, CancellationToken cancellationToken)
    {
        var definitions = Definitions();
        var scopes = options.Value.GuildIds.Count == 0 ? [null] : options.Value.GuildIds.Cast<string?>().ToList();
        foreach (var guildId in scopes)
        {
            var registered = await rest.GetCommandsAsync(applicationId, guildId, cancellationToken);
            if (Normalize(registered) == Normalize(definitions))
            {
                LogUnchanged(logger, guildId ?? "global");
                continue;
            }

            await rest.OverwriteCommandsAsync(applicationId, guildId, definitions, cancellationToken);
            LogRegistered(logger, definitions.Count, guildId ?? "global");
        }
    }

    /// <summary>
    /// Reduces commands to the fields this bot sets, in a fixed order, so Discord's extra fields (ids, versions,
    /// defaults) do not count as a change.
    /// </summary>
    internal static string Normalize(JsonArray commands) =>
        new JsonArray([.. commands
            .OfType<JsonObject>()
            .OrderBy(command => command["name"]!.GetValue<string>(), StringComparer.Ordinal)
            .Select(command => (JsonNode)new JsonObject
            {
                ["name"] = command["name"]!.GetValue<string>(),
                ["type"] = command["type"]?.GetValue<int>() ?? 1,
                ["description"] = command["description"]?.GetValue<string>(),
                ["options"] = new JsonArray([.. (command["options"] as JsonArray ?? []).OfType<JsonObject>().Select(option => (JsonNode)new JsonObject
                {
                    ["name"] = option["name"]!.GetValue<string>(),
                    ["type"] = option["type"]!.GetValue<int>(),
                    ["description"] = option["description"]?.GetValue<string>(),
                    ["required"] = option["required"]?.GetValue<bool>() ?? false,
                    ["max_length"] = option["max_length"]?.GetValue<int>(),
                })]),
            })]).ToJsonString();

    [LoggerMessage(EventId = 610, Level = LogLevel.Information, Message = "Registered {Count} Discord commands ({Scope})")]
    private static partial void LogRegistered(ILogger logger, int count, string scope);

    [LoggerMessage(EventId = 611, Level = LogLevel.Information, Message = "Discord commands are up to date ({Scope})")]
    private static partial void LogUnchanged(ILogger logger, string scope);
}
