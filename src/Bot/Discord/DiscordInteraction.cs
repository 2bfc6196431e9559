using System.Globalization;
using System.Text.Json;
using Bot.Chat;
using Bot.Jobs;

namespace Bot.Discord;

/// <summary>The kinds of interaction the bot handles.</summary>
public enum DiscordInteractionKind
{
    /// <summary>A slash command (type 2).</summary>
    Command,

    /// <summary>A button press (type 3).</summary>
    Button,
}

/// <summary>An interaction read from an <c>INTERACTION_CREATE</c> event: who, where, and what was asked.</summary>
public sealed record DiscordInteraction
{
    /// <summary>How long an interaction token works after Discord sent the interaction.</summary>
    public static readonly TimeSpan TokenLifetime = TimeSpan.FromMinutes(15);

    /// <summary>The upload limit Discord applies when an interaction does not state one: 10 MiB.</summary>
    public const long DefaultUploadLimit = 10 * 1024 * 1024;

    public required string Id { get; init; }

    public required string Token { get; init; }

    public required DiscordInteractionKind Kind { get; init; }

    /// <summary>The command's name (<c>generate</c>, <c>quota</c>, <c>help</c>) or the button's custom id.</summary>
    public required string Name { get; init; }

    public string? Prompt { get; init; }

    public required string ChannelId { get; init; }

    public string? GuildId { get; init; }

    /// <summary>Whether the channel is a thread, where posting needs Send Messages in Threads.</summary>
    public bool InThread { get; init; }

    public required ChatUser User { get; init; }

    /// <summary>The bot's permissions in the channel, or null when Discord sent none.</summary>
    public ulong? AppPermissions { get; init; }

    public long UploadLimit { get; init; } = DefaultUploadLimit;

    public required DateTimeOffset ReceivedAt { get; init; }

    public ChatTarget Target => new(ChannelId)
    {
        InteractionToken = Token,
        InteractionExpiresAt = ReceivedAt + TokenLifetime,
        UploadLimit = UploadLimit,
    };

    /// <summary>Reads an interaction; returns null for kinds the bot does not handle.</summary>
    public static DiscordInteraction? Parse(JsonElement data, DateTimeOffset receivedAt)
    {
        var kind = data.GetProperty("type").GetInt32() switch
        {
            2 => DiscordInteractionKind.Command,
            3 => DiscordInteractionKind.Button,
            _ => (DiscordInteractionKind?)null,
        };
        if (kind is null || !data.TryGetProperty("data", out var body) || !data.TryGetProperty("channel_id", out var channel))
        {
            return null;
        }

        var name = kind == DiscordInteractionKind.Command ? body.GetProperty("name").GetString()! : body.GetProperty("custom_id").GetString()!;
        var member = data.TryGetProperty("member", out var memberElement) ? memberElement : (JsonElement?)null;
        var user = member?.GetProperty("user") ?? data.GetProperty("user");
        var memberPermissions = member is { } m && m.TryGetProperty("permissions", out var permissions) ? ParseBits(permissions) : null;

        return new DiscordInteraction
        {
            Id = data.GetProperty("id").GetString()!,
            Token = data.GetProperty("token").GetString()!,
            Kind = kind.Value,
            Name = name,
            Prompt = Option(body, "prompt"),
            ChannelId = channel.GetString()!,
            GuildId = data.TryGetProperty("guild_id", out var guild) ? guild.GetString() : null,
            InThread = data.TryGetProperty("channel", out var channelObject)
                && channelObject.TryGetProperty("type", out var channelType)
                && channelType.GetInt32() is 10 or 11 or 12,
            User = new ChatUser(
                ChatPlatform.Discord,
                user.GetProperty("id").GetString()!,
                DisplayName(user),
                IsChatModerator: memberPermissions is { } bits && (bits & (DiscordPermissions.Administrator | DiscordPermissions.ManageGuild)) != 0),
            AppPermissions = data.TryGetProperty("app_permissions", out var appPermissions) ? ParseBits(appPermissions) : null,
            UploadLimit = data.TryGetProperty("attachment_size_limit", out var limit) && limit.TryGetInt64(out var bytes) ? bytes : DefaultUploadLimit,
            ReceivedAt = receivedAt,
        };
    }

    /// <summary>Translates the interaction into a chat command; returns null for a command or button the bot does not know.</summary>
    public ChatCommand? ToCommand() => Kind switch
    {
        DiscordInteractionKind.Command when Name == "generate" => new GenerateCommand(User, Target, Prompt ?? string.Empty, $"discord:{Id}"),
        DiscordInteractionKind.Command when Name == "quota" => new ShowQuotaCommand(User, Target),
        DiscordInteractionKind.Command when Name == "help" => new HelpCommand(User, Target),
        DiscordInteractionKind.Button when StatusText.TryParseCancelAction(Name, out var jobId) => new CancelCommand(User, Target, jobId),
        _ => null,
    };

    private static string? Option(JsonElement body, string name)
    {
        if (!body.TryGetProperty("options", out var options))
        {
            return null;
        }

        foreach (var option in options.EnumerateArray())
        {
            if (option.GetProperty("name").GetString() == name && option.TryGetProperty("value", out var value))
            {
                return value.GetString();
            }
        }

        return null;
    }

    private static ulong? ParseBits(JsonElement value) =>
        ulong.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var bits) ? bits : null;

    private static string DisplayName(JsonElement user) =>
        user.TryGetProperty("global_name", out var global) && global.ValueKind == JsonValueKind.String
            ? global.GetString()!
            : user.GetProperty("username").GetString()!;
}

/// <summary>Discord permission bits the bot checks.</summary>
public static class DiscordPermissions
{
    public const ulong Administrator = 1UL << 3;
    public const ulong ManageGuild = 1UL << 5;
    public const ulong ViewChannel = 1UL << 10;
    public const ulong SendMessages = 1UL << 11;
    public const ulong AttachFiles = 1UL << 15;
    public const ulong ReadMessageHistory = 1UL << 16;
    public const ulong SendMessagesInThreads = 1UL << 38;

    /// <summary>
    /// Returns the names of the permissions the bot lacks to post a video in the channel after the interaction
    /// token expires, when it must post with its own token and reply to its status message.
    /// </summary>
    public static List<string> MissingForDelivery(ulong granted, bool inThread)
    {
        if ((granted & Administrator) != 0)
        {
            return [];
        }

        var needed = new List<(ulong Bit, string Name)>
        {
            (ViewChannel, "View Channel"),
            inThread ? (SendMessagesInThreads, "Send Messages in Threads") : (SendMessages, "Send Messages"),
            (AttachFiles, "Attach Files"),
            (ReadMessageHistory, "Read Message History"),
        };
        return [.. needed.Where(permission => (granted & permission.Bit) == 0).Select(permission => permission.Name)];
    }
}
