using Bot.Quotas;
using Bot.Storage;
using Microsoft.EntityFrameworkCore;

namespace Bot.Jobs;

/// <summary>
/// Loads jobs and moves them between states. Every change is guarded by the job's version: a change based on
/// a copy that someone else has changed since is dropped, so two workers or a restart can never deliver or
/// settle a job twice.
/// </summary>
public sealed class JobStore(IDbContextFactory<BotDbContext> contextFactory, WriteGate writeGate, QuotaLedger ledger, JobSignals signals, TimeProvider time)
{
    public async Task<Job?> FindAsync(long id, CancellationToken cancellationToken)
    {
        await using var context = await contextFactory.CreateDbContextAsync(cancellationToken);
        return await context.Jobs.AsNoTracking().SingleOrDefaultAsync(job => job.Id == id, cancellationToken);
    }

    public async Task<JobImage?> FindImageAsync(long jobId, CancellationToken cancellationToken)
    {
        await using var context = await contextFactory.CreateDbContextAsync(cancellationToken);
        return await context.JobImages.AsNoTracking().SingleOrDefaultAsync(image => image.JobId == jobId, cancellationToken);
    }

    /// <summary>
    /// Deletes the stored images of jobs that finished before <paramref name="finishedBefore"/>; until then
    /// they are kept so a Re-roll can send the image again.
    /// </summary>
    public async Task<int> DeleteOldImagesAsync(DateTimeOffset finishedBefore, CancellationToken cancellationToken)
    {
        using var gate = await writeGate.EnterAsync(cancellationToken);
        await using var context = await contextFactory.CreateDbContextAsync(cancellationToken);
        var old = context.Jobs.Where(job => job.HasStoredImage && job.FinishedAt != null && job.FinishedAt < finishedBefore).Select(job => job.Id);
        var deleted = await context.JobImages.Where(image => old.Contains(image.JobId)).ExecuteDeleteAsync(cancellationToken);
        await context.Jobs.Where(job => job.HasStoredImage && job.FinishedAt != null && job.FinishedAt < finishedBefore)
            .ExecuteUpdateAsync(update => update.SetProperty(job => job.HasStoredImage, false), cancellationToken);
        return deleted;
    }

    /// <summary>Runs a query over the jobs table and returns untracked copies.</summary>
    public async Task<List<T>> QueryAsync<T>(Func<IQueryable<Job>, IQueryable<T>> query, CancellationToken cancellationToken)
    {
        await using var context = await contextFactory.CreateDbContextAsync(cancellationToken);
        return await query(context.Jobs.AsNoTracking()).ToListAsync(cancellationToken);
    }

    /// <summary>
    /// Applies <paramref name="change"/> to the job if it is still at the version of <paramref name="job"/>, and
    /// returns the stored copy; returns null when the job has moved on meanwhile.
    /// </summary>
    public async Task<Job?> UpdateAsync(Job job, Action<Job> change, CancellationToken cancellationToken)
    {
        using var gate = await writeGate.EnterAsync(cancellationToken);
        await using var context = await contextFactory.CreateDbContextAsync(cancellationToken);
        var stored = await LoadAtVersionAsync(context, job, cancellationToken);
        if (stored is null)
        {
            return null;
        }

        var before = stored.State;
        change(stored);
        if (!await SaveAsync(context, stored, cancellationToken))
        {
            return null;
        }

        SignalFreedSlot(before, stored.State);
        return stored;
    }

    /// <summary>
    /// Ends the job in a terminal state and settles its reservation in the same transaction: a charge for
    /// <see cref="JobState.Delivered"/>, a release for every other end. Returns null when the job moved on meanwhile.
    /// </summary>
    public async Task<Job?> FinishAsync(Job job, JobState state, string? failureReason, Action<Job>? change, CancellationToken cancellationToken)
    {
        if (!state.IsTerminal())
        {
            throw new ArgumentOutOfRangeException(nameof(state), state, "A job can only finish in a terminal state.");
        }

        using var gate = await writeGate.EnterAsync(cancellationToken);
        await using var context = await contextFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await context.Database.BeginTransactionAsync(cancellationToken);
        var stored = await LoadAtVersionAsync(context, job, cancellationToken);
        if (stored is null || stored.IsTerminal)
        {
            return null;
        }

        var before = stored.State;
        change?.Invoke(stored);
        stored.State = state;
        stored.FailureReason = state == JobState.Delivered ? null : failureReason;
        stored.FinishedAt = time.GetUtcNow();
        stored.NextCheckAt = null;
        if (!await SaveAsync(context, stored, cancellationToken))
        {
            return null;
        }

        await ledger.SettleAsync(context, stored.Id, charge: state == JobState.Delivered, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        SignalFreedSlot(before, state);
        return stored;
    }

    /// <summary>Stores the id of the job's status message; it does not change the job's version, because no state moves.</summary>
    public async Task SetStatusMessageAsync(long jobId, string? messageId, CancellationToken cancellationToken)
    {
        using var gate = await writeGate.EnterAsync(cancellationToken);
        await using var context = await contextFactory.CreateDbContextAsync(cancellationToken);
        await context.Jobs
            .Where(job => job.Id == jobId)
            .ExecuteUpdateAsync(update => update.SetProperty(job => job.StatusMessageId, messageId), cancellationToken);
    }

    /// <summary>Wakes the dispatcher when a job leaves RunPod, so the next waiting job goes out at once.</summary>
    private void SignalFreedSlot(JobState before, JobState after)
    {
        if (JobStates.OnGpu.Contains(before) && !JobStates.OnGpu.Contains(after))
        {
            signals.Dispatch.Set();
        }
    }

    private static async Task<Job?> LoadAtVersionAsync(BotDbContext context, Job job, CancellationToken cancellationToken)
    {
        var stored = await context.Jobs.SingleOrDefaultAsync(j => j.Id == job.Id, cancellationToken);
        return stored is not null && stored.Version == job.Version ? stored : null;
    }

    private async Task<bool> SaveAsync(BotDbContext context, Job stored, CancellationToken cancellationToken)
    {
        stored.Version++;
        stored.UpdatedAt = time.GetUtcNow();
        try
        {
            await context.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateConcurrencyException)
        {
            return false;
        }
    }
}
