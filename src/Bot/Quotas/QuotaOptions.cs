namespace Bot.Quotas;

/// <summary>The length of one allowance period. Periods start at midnight UTC; weeks start on Monday.</summary>
public enum QuotaPeriod
{
    Daily,
    Weekly,
    Monthly,
}

/// <summary>How many videos each user may make, and how many of their jobs run at once.</summary>
public sealed class QuotaOptions
{
    public const string SectionName = "Quotas";

    /// <summary>Videos each user may receive per period. Default 5; 0 to 100000 (0 turns generation off for users).</summary>
    public int DefaultAllowance { get; set; } = 5;

    /// <summary>The period the allowance covers: <c>Daily</c> (default), <c>Weekly</c> or <c>Monthly</c>, in UTC.</summary>
    public QuotaPeriod Period { get; set; } = QuotaPeriod.Daily;

    /// <summary>
    /// Jobs of one user that may be on the GPU (queued at RunPod or running) at once. Further accepted jobs wait
    /// their turn in the bot. Default 1, from 1 to 100.
    /// </summary>
    public int MaxConcurrentJobsPerUser { get; set; } = 1;
}
