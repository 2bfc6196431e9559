namespace Bot.Quotas;

/// <summary>The state of one reservation in the quota ledger.</summary>
public enum QuotaEntryStatus
{
    /// <summary>Held for a job that has not ended yet; it counts against the allowance.</summary>
    Reserved,

    /// <summary>The user received the video; it counts against the allowance for good.</summary>
    Charged,

    /// <summary>The job ended without a video; it no longer counts.</summary>
    Released,
}

/// <summary>One row of the quota ledger: a video reserved for a job, then charged or released when the job ends.</summary>
public sealed class QuotaEntry
{
    public long Id { get; set; }

    /// <summary>The user, as <see cref="Chat.ChatUser.Key"/>.</summary>
    public required string UserKey { get; set; }

    /// <summary>The start of the allowance period the reservation counts against.</summary>
    public DateTimeOffset PeriodStart { get; set; }

    public long JobId { get; set; }

    public Jobs.Job? Job { get; set; }

    public QuotaEntryStatus Status { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? SettledAt { get; set; }
}

/// <summary>A user's standing in the current period.</summary>
/// <param name="Allowance">Videos allowed this period.</param>
/// <param name="Charged">Videos received this period.</param>
/// <param name="Reserved">Videos held for jobs still running.</param>
/// <param name="ResetsAt">When the period ends.</param>
public sealed record QuotaUsage(int Allowance, int Charged, int Reserved, DateTimeOffset ResetsAt)
{
    public int Remaining => Math.Max(0, Allowance - Charged - Reserved);

    /// <summary>The allowance a moderator set for this user, if any; otherwise the default applies.</summary>
    public int? OwnAllowance { get; init; }

    /// <summary>Extra videos moderators granted for this period.</summary>
    public int Granted { get; init; }
}
