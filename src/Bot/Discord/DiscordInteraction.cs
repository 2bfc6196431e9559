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

    private static readonly HashSet<string> ImageTypes = ["image/png", "image/jpeg", "image/webp"];

    public required string Id { get; init; }

    public required string Token { get; init; }

    public required DiscordInteractionKind Kind { get; init; }

    /// <summary>
    /// The command with its sub-command path (<c>generate</c>, <c>mod quota set</c>) or the button's custom id.
    /// </summary>
    public required string Name { get; init; }

    /// <summary>The options' values by name, sub-commands' options included.</summary>
    public IReadOnlyDictionary<string, JsonElement> Options { get; init; } = new Dictionary<string, JsonElement>();

    public required string ChannelId { get; init; }

    public string? GuildId { get; init; }

    /// <summary>Whether the channel is a thread, where posting needs Send Messages in Threads.</summary>
    public bool InThread { get; init; }

    public required ChatUser User { get; init; }

    /// <summary>The permissions of the member who sent the interaction, in this channel; null in direct messages.</summary>
    public ulong? MemberPermissions { get; init; }

    public IReadOnlyList<string> RoleIds { get; init; } = [];

    /// <summary>The bot's permissions in the channel, or null when Discord sent none.</summary>
    public ulong? AppPermissions { get; init; }

    public long UploadLimit { get; init; } = DefaultUploadLimit;

    /// <summary>The attachment picked for the <c>image</c> option, from the interaction's resolved data.</summary>
    public DiscordAttachment? Image { get; init; }

    /// <summary>The user picked for a <c>user</c> option, from the interaction's resolved data.</summary>
    public UserRef? PickedUser { get; init; }

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

        var options = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        var name = kind == DiscordInteractionKind.Command
            ? CommandPath(body.GetProperty("name").GetString()!, body, options)
            : body.GetProperty("custom_id").GetString()!;
        var member = data.TryGetProperty("member", out var memberElement) ? memberElement : (JsonElement?)null;
        var user = member?.GetProperty("user") ?? data.GetProperty("user");
        var resolved = body.TryGetProperty("resolved", out var resolvedElement) ? resolvedElement : (JsonElement?)null;

        return new DiscordInteraction
        {
            Id = data.GetProperty("id").GetString()!,
            Token = data.GetProperty("token").GetString()!,
            Kind = kind.Value,
            Name = name,
            Options = options,
            ChannelId = channel.GetString()!,
            GuildId = data.TryGetProperty("guild_id", out var guild) ? guild.GetString() : null,
            InThread = data.TryGetProperty("channel", out var channelObject)
                && channelObject.TryGetProperty("type", out var channelType)
                && channelType.GetInt32() is 10 or 11 or 12,
            User = new ChatUser(ChatPlatform.Discord, user.GetProperty("id").GetString()!, DisplayName(user)),
            MemberPermissions = member is { } m && m.TryGetProperty("permissions", out var permissions) ? ParseBits(permissions) : null,
            RoleIds = member is { } withRoles && withRoles.TryGetProperty("roles", out var roles)
                ? [.. roles.EnumerateArray().Select(role => role.GetString()!)]
                : [],
            AppPermissions = data.TryGetProperty("app_permissions", out var appPermissions) ? ParseBits(appPermissions) : null,
            UploadLimit = data.TryGetProperty("attachment_size_limit", out var limit) && limit.TryGetInt64(out var bytes) ? bytes : DefaultUploadLimit,
            Image = options.TryGetValue("image", out var imageId) ? Attachment(resolved, imageId.GetString()!) : null,
            PickedUser = options.TryGetValue("user", out var userId) ? PickedUserOf(resolved, userId.GetString()!) : null,
            ReceivedAt = receivedAt,
        };
    }

    /// <summary>
    /// Translates the interaction into a chat command; returns null for a command or button the bot does not
    /// know. <paramref name="isModerator"/> comes from the adapter, which has the moderator settings.
    /// </summary>
    public ChatCommand? ToCommand(bool isModerator)
    {
        var user = User with { IsChatModerator = isModerator };
        var target = Target;
        if (Kind == DiscordInteractionKind.Button)
        {
            return StatusText.TryParseCancelAction(Name, out var cancelJob) ? new CancelCommand(user, target, cancelJob)
                : StatusText.TryParseRerollAction(Name, out var rerollJob) ? new RerollCommand(user, target, rerollJob, $"discord:{Id}")
                : null;
        }

        return Name switch
        {
            "generate" => Generate(user, target),
            "quota" => new ShowQuotaCommand(user, target),
            "jobs" => new ListJobsCommand(user, target),
            "cancel" => new CancelCommand(user, target, Long("job")),
            "help" => new HelpCommand(user, target),
            "mod quota show" => new ModerateCommand(user, target, ModeratorAction.QuotaShow, PickedUser),
            "mod quota set" => new ModerateCommand(user, target, ModeratorAction.QuotaSet, PickedUser, Int("allowance")),
            "mod quota grant" => new ModerateCommand(user, target, ModeratorAction.QuotaGrant, PickedUser, Int("videos")),
            "mod quota reset" => new ModerateCommand(user, target, ModeratorAction.QuotaReset, PickedUser),
            "mod ban" => new ModerateCommand(user, target, ModeratorAction.Ban, PickedUser, Text: Text("reason")),
            "mod unban" => new ModerateCommand(user, target, ModeratorAction.Unban, PickedUser),
            "mod jobs" => new ListJobsCommand(user, target, PickedUser),
            "mod cancel" => new CancelCommand(user, target, Long("job")),
            "mod stats" => new ModerateCommand(user, target, ModeratorAction.Stats),
            "mod pause" => new ModerateCommand(user, target, ModeratorAction.Pause, Text: Text("message")),
            "mod resume" => new ModerateCommand(user, target, ModeratorAction.Resume),
            "mod audit" => new ModerateCommand(user, target, ModeratorAction.Audit, PickedUser),
            _ => null,
        };
    }

    private ChatCommand Generate(ChatUser user, ChatTarget target)
    {
        ChatImage? image = null;
        if (Image is { } attachment)
        {
            if (attachment.ContentType is null || !ImageTypes.Contains(attachment.ContentType))
            {
                return new InvalidCommand(user, target, $"The attachment {attachment.FileName} is not a PNG, JPEG or WebP image. Attach one of those.");
            }

            // The worker downloads the image from Discord's signed CDN URL, which stays valid for a while.
            image = new ChatImage(attachment.Url, null, attachment.ContentType);
        }

        var aspect = Text("aspect") switch
        {
            "portrait" => VideoAspect.Portrait,
            "landscape" => VideoAspect.Landscape,
            _ => (VideoAspect?)null,
        };
        return new GenerateCommand(user, target, Text("prompt") ?? string.Empty, $"discord:{Id}", Long("seed"), aspect, Text("negative_prompt"), image);
    }

    private string? Text(string name) => Options.TryGetValue(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private long? Long(string name) => Options.TryGetValue(name, out var value) && value.TryGetInt64(out var number) ? number : null;

    private int? Int(string name) => Options.TryGetValue(name, out var value) && value.TryGetInt32(out var number) ? number : null;

    /// <summary>Follows sub-command groups and sub-commands down to the options, and returns the path, e.g. <c>mod quota set</c>.</summary>
    private static string CommandPath(string name, JsonElement level, Dictionary<string, JsonElement> options)
    {
        if (!level.TryGetProperty("options", out var children))
        {
            return name;
        }

        foreach (var option in children.EnumerateArray())
        {
            var type = option.GetProperty("type").GetInt32();
            var optionName = option.GetProperty("name").GetString()!;
            if (type is 1 or 2)
            {
                return CommandPath($"{name} {optionName}", option, options);
            }

            if (option.TryGetProperty("value", out var value))
            {
                options[optionName] = value.Clone();
            }
        }

        return name;
    }

    private static DiscordAttachment? Attachment(JsonElement? resolved, string id)
    {
        if (resolved is not { } data || !data.TryGetProperty("attachments", out var attachments) || !attachments.TryGetProperty(id, out var attachment))
        {
            return null;
        }

        return new DiscordAttachment(
            new Uri(attachment.GetProperty("url").GetString()!),
            attachment.TryGetProperty("filename", out var file) ? file.GetString()! : "image",
            attachment.TryGetProperty("content_type", out var type) ? type.GetString() : null,
            attachment.TryGetProperty("size", out var size) ? size.GetInt64() : null);
    }

    private static UserRef? PickedUserOf(JsonElement? resolved, string id)
    {
        if (resolved is { } data && data.TryGetProperty("users", out var users) && users.TryGetProperty(id, out var user))
        {
            return new UserRef(ChatPlatform.Discord, id, DisplayName(user));
        }

        return new UserRef(ChatPlatform.Discord, id);
    }

    private static ulong? ParseBits(JsonElement value) =>
        ulong.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var bits) ? bits : null;

    private static string DisplayName(JsonElement user) =>
        user.TryGetProperty("global_name", out var global) && global.ValueKind == JsonValueKind.String
            ? global.GetString()!
            : user.GetProperty("username").GetString()!;
}

/// <summary>A file attached to a command's attachment option.</summary>
public sealed record DiscordAttachment(Uri Url, string FileName, string? ContentType, long? Size);

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
