namespace Bot.Moderation;

/// <summary>What moderators set for one user: an allowance of their own, and a ban.</summary>
public sealed class UserRecord
{
    /// <summary>The user, as <see cref="Chat.ChatUser.Key"/>.</summary>
    public required string UserKey { get; set; }

    /// <summary>The name the user had when last seen, for moderator views.</summary>
    public required string DisplayName { get; set; }

    /// <summary>Videos per period for this user, instead of <c>Quotas:DefaultAllowance</c>; empty uses the default.</summary>
    public int? Allowance { get; set; }

    public DateTimeOffset? BannedAt { get; set; }

    public string? BanReason { get; set; }

    /// <summary>The moderator who banned the user, as a user key.</summary>
    public string? BannedBy { get; set; }

    public bool IsBanned => BannedAt is not null;
}

/// <summary>Extra videos a moderator granted a user for one allowance period.</summary>
public sealed class QuotaGrant
{
    public long Id { get; set; }

    public required string UserKey { get; set; }

    public DateTimeOffset PeriodStart { get; set; }

    public int Videos { get; set; }

    public required string GrantedBy { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>One moderator action: who did what to whom, and the value before and after.</summary>
public sealed class AuditEntry
{
    public long Id { get; set; }

    public DateTimeOffset At { get; set; }

    /// <summary>The moderator, as a user key.</summary>
    public required string ModeratorKey { get; set; }

    public required string ModeratorName { get; set; }

    /// <summary>The action, such as <c>quota set</c>, <c>ban</c> or <c>pause</c>.</summary>
    public required string Action { get; set; }

    /// <summary>The user or job the action was about, if any.</summary>
    public string? Target { get; set; }

    public string? Before { get; set; }

    public string? After { get; set; }
}

/// <summary>A request the prompt policy rejected, kept for moderators.</summary>
public sealed class PromptRejection
{
    public long Id { get; set; }

    public DateTimeOffset At { get; set; }

    public required string UserKey { get; set; }

    public required string UserName { get; set; }

    /// <summary>The start of the rejected prompt.</summary>
    public required string Prompt { get; set; }

    /// <summary>The blocked term or pattern that matched.</summary>
    public required string Rule { get; set; }
}

/// <summary>A setting moderators change at run time, kept across restarts; the pause is the one there is.</summary>
public sealed class BotSetting
{
    public required string Key { get; set; }

    public string? Value { get; set; }
}
