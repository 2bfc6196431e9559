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
    /// <summary>
    /// Returns the command definitions, with the prompt's length capped at <c>Generation:MaxPromptLength</c>.
    /// <c>/mod</c> contains the moderator commands; Discord shows it only to members with Manage Server until a
    /// server admin changes that, and every use is checked again when it arrives.
    /// </summary>
    public JsonArray Definitions()
    {
        var maxLength = generationOptions.Value.MaxPromptLength;
        return
        [
            new JsonObject
            {
                ["name"] = "generate",
                ["type"] = 1,
                ["description"] = "Make a video from a description",
                ["options"] = new JsonArray(
                    Option(3, "prompt", "What the video shows, e.g. a red fox running through snow", required: true, extra: o => o["max_length"] = maxLength),
                    Option(3, "aspect", "The frame's orientation", extra: o => o["choices"] = new JsonArray(
                        new JsonObject { ["name"] = "landscape", ["value"] = "landscape" },
                        new JsonObject { ["name"] = "portrait", ["value"] = "portrait" })),
                    Option(4, "seed", "A seed for a repeatable result", extra: o => o["min_value"] = 0),
                    Option(3, "negative_prompt", "What the video should not show", extra: o => o["max_length"] = maxLength),
                    Option(11, "image", "An image to animate")),
            },
            new JsonObject { ["name"] = "quota", ["type"] = 1, ["description"] = "Show how many videos you have left" },
            new JsonObject { ["name"] = "jobs", ["type"] = 1, ["description"] = "List your latest jobs" },
            new JsonObject
            {
                ["name"] = "cancel",
                ["type"] = 1,
                ["description"] = "Cancel an unfinished job",
                ["options"] = new JsonArray(Option(4, "job", "The job's number; your latest unfinished job when left out", extra: o => o["min_value"] = 1)),
            },
            new JsonObject { ["name"] = "help", ["type"] = 1, ["description"] = "Show what the bot can do" },
            ModeratorCommand(),
        ];
    }

    private static JsonObject ModeratorCommand()
    {
        static JsonObject Sub(string name, string description, params JsonObject[] options) =>
            new() { ["type"] = 1, ["name"] = name, ["description"] = description, ["options"] = new JsonArray([.. options]) };

        var user = () => Option(6, "user", "The user", required: true);
        return new JsonObject
        {
            ["name"] = "mod",
            ["type"] = 1,
            ["description"] = "Moderator commands",
            ["default_member_permissions"] = "32",
            ["contexts"] = new JsonArray(0),
            ["options"] = new JsonArray(
                new JsonObject
                {
                    ["type"] = 2,
                    ["name"] = "quota",
                    ["description"] = "A user's allowance",
                    ["options"] = new JsonArray(
                        Sub("show", "Show a user's allowance and use", user()),
                        Sub("set", "Set a user's allowance per period", user(), Option(4, "allowance", "Videos per period", required: true, extra: o => { o["min_value"] = 0; o["max_value"] = 100_000; })),
                        Sub("grant", "Give a user extra videos this period", user(), Option(4, "videos", "Extra videos", required: true, extra: o => { o["min_value"] = 1; o["max_value"] = 1_000; })),
                        Sub("reset", "Put a user back on the default allowance", user())),
                },
                Sub("ban", "Stop a user from making videos", user(), Option(3, "reason", "Why, for the audit log and the user")),
                Sub("unban", "Lift a user's ban", user()),
                Sub("jobs", "List a user's latest jobs", user()),
                Sub("cancel", "Cancel any job", Option(4, "job", "The job's number", required: true, extra: o => o["min_value"] = 1)),
                Sub("stats", "Show jobs, GPU time and estimated cost"),
                Sub("pause", "Stop taking new requests", Option(3, "message", "What users see meanwhile")),
                Sub("resume", "Take new requests again"),
                Sub("audit", "Show moderator actions", Option(6, "user", "Only actions about this user"))),
        };
    }

    private static JsonObject Option(int type, string name, string description, bool required = false, Action<JsonObject>? extra = null)
    {
        var option = new JsonObject { ["type"] = type, ["name"] = name, ["description"] = description, ["required"] = required };
        extra?.Invoke(option);
        return option;
    }

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
    /// Reduces commands to the fields this bot sets, in a fixed order, so Discord's extra fields (ids, versions)
    /// and left-out defaults do not count as a change.
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
                ["default_member_permissions"] = command["default_member_permissions"]?.GetValue<string>(),
                ["options"] = NormalizeOptions(command["options"] as JsonArray),
            })]).ToJsonString();

    private static double? Number(JsonNode? value) =>
        value is null ? null : double.Parse(value.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture);

    private static JsonArray NormalizeOptions(JsonArray? options) =>
        new([.. (options ?? []).OfType<JsonObject>().Select(option => (JsonNode)new JsonObject
        {
            ["name"] = option["name"]!.GetValue<string>(),
            ["type"] = option["type"]!.GetValue<int>(),
            ["description"] = option["description"]?.GetValue<string>(),
            ["required"] = option["required"]?.GetValue<bool>() ?? false,
            ["max_length"] = option["max_length"]?.GetValue<int>(),
            ["min_value"] = Number(option["min_value"]),
            ["max_value"] = Number(option["max_value"]),
            ["choices"] = option["choices"] is JsonArray choices
                ? string.Join(',', choices.OfType<JsonObject>().Select(choice => $"{choice["name"]}={choice["value"]}"))
                : null,
            ["options"] = NormalizeOptions(option["options"] as JsonArray),
        })]);

    [LoggerMessage(EventId = 610, Level = LogLevel.Information, Message = "Registered {Count} Discord commands ({Scope})")]
    private static partial void LogRegistered(ILogger logger, int count, string scope);

    [LoggerMessage(EventId = 611, Level = LogLevel.Information, Message = "Discord commands are up to date ({Scope})")]
    private static partial void LogUnchanged(ILogger logger, string scope);
}
