using Bot.Chat;
using Bot.Jobs;
using Bot.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Bot.Quotas;

/// <summary>
/// Reads and writes the quota ledger. Callers pass the context whose transaction the change belongs to, so a
/// reservation is stored together with its job and a settlement together with the job's final state.
/// </summary>
public sealed class QuotaLedger(IOptionsMonitor<QuotaOptions> options, TimeProvider time)
{
    /// <summary>Returns the user's allowance, use and reset time for the current period.</summary>
    public Task<QuotaUsage> GetUsageAsync(BotDbContext context, ChatUser user, CancellationToken cancellationToken) =>
        GetUsageAsync(context, user.Key, user.Platform, cancellationToken);

    /// <summary>
    /// Returns a user's allowance (their own or the default, plus this period's grants), use and reset time
    /// for the current period.
    /// </summary>
    public async Task<QuotaUsage> GetUsageAsync(BotDbContext context, string userKey, ChatPlatform platform, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        var now = time.GetUtcNow();
        var periodStart = QuotaPeriods.StartOf(settings.Period, now);

        var counts = await context.QuotaEntries
            .Where(entry => entry.UserKey == userKey && entry.PeriodStart == periodStart && entry.Status != QuotaEntryStatus.Released)
            .GroupBy(entry => entry.Status)
            .Select(group => new { Status = group.Key, Count = group.Count() })
            .ToListAsync(cancellationToken);
        var own = await context.Users.Where(u => u.UserKey == userKey).Select(u => u.Allowance).SingleOrDefaultAsync(cancellationToken);
        var granted = await context.QuotaGrants
            .Where(g => g.UserKey == userKey && g.PeriodStart == periodStart)
            .SumAsync(g => g.Videos, cancellationToken);

        // The command line is the operator's own tool, so its jobs are recorded but never limited.
        var allowance = platform == ChatPlatform.Cli ? int.MaxValue : (own ?? settings.DefaultAllowance) + granted;
        return new QuotaUsage(
            allowance,
            counts.Where(c => c.Status == QuotaEntryStatus.Charged).Sum(c => c.Count),
            counts.Where(c => c.Status == QuotaEntryStatus.Reserved).Sum(c => c.Count),
            QuotaPeriods.EndOf(settings.Period, now))
        {
            OwnAllowance = own,
            Granted = granted,
        };
    }

    /// <summary>Returns the start of the current allowance period.</summary>
    public DateTimeOffset CurrentPeriodStart() => QuotaPeriods.StartOf(options.CurrentValue.Period, time.GetUtcNow());

    /// <summary>
    /// Adds a reservation for <paramref name="job"/> when the user has room in the current period. The caller
    /// must hold a write transaction, so two requests cannot both see the last free video.
    /// </summary>
    /// <returns>The usage before the reservation, and whether the reservation was added.</returns>
    public async Task<(QuotaUsage Usage, bool Reserved)> TryReserveAsync(BotDbContext context, ChatUser user, Job job, CancellationToken cancellationToken)
    {
        var usage = await GetUsageAsync(context, user, cancellationToken);
        if (usage.Remaining <= 0)
        {
            return (usage, false);
        }

        var now = time.GetUtcNow();
        context.QuotaEntries.Add(new QuotaEntry
        {
            UserKey = user.Key,
            PeriodStart = QuotaPeriods.StartOf(options.CurrentValue.Period, now),
            Job = job,
            Status = QuotaEntryStatus.Reserved,
            CreatedAt = now,
        });
        return (usage, true);
    }

    /// <summary>Turns the job's reservation into a charge (<paramref name="charge"/>) or releases it.</summary>
    public Task SettleAsync(BotDbContext context, long jobId, bool charge, CancellationToken cancellationToken)
    {
        var status = charge ? QuotaEntryStatus.Charged : QuotaEntryStatus.Released;
        var now = time.GetUtcNow();
        return context.QuotaEntries
            .Where(entry => entry.JobId == jobId && entry.Status == QuotaEntryStatus.Reserved)
            .ExecuteUpdateAsync(update => update.SetProperty(e => e.Status, status).SetProperty(e => e.SettledAt, now), cancellationToken);
    }
}
