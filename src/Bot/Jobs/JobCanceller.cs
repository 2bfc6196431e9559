using Bot.Chat;
using Bot.RunPod;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bot.Jobs;

/// <summary>What became of a cancel request.</summary>
public enum CancelResult
{
    Cancelled,
    NotFound,

    /// <summary>The job belongs to someone else.</summary>
    NotOwner,
    AlreadyFinished,

    /// <summary>The video is already being posted, so there is nothing left to stop.</summary>
    TooLate,
}

/// <summary>Cancels a user's unfinished job: on RunPod first, so it stops costing GPU time, then in the bot, releasing the quota.</summary>
public sealed partial class JobCanceller(
    JobStore store,
    IServiceScopeFactory scopes,
    StatusReporter reporter,
    ILogger<JobCanceller> logger)
{
    private const int MaxAttempts = 3;

    /// <summary>
    /// Cancels the job, or, when <paramref name="jobId"/> is empty, the user's latest unfinished job. Users cancel
    /// their own jobs; moderators cancel any.
    /// </summary>
    /// <returns>The result, the job's id, and the job as it was found (null when there is none).</returns>
    public async Task<(CancelResult Result, long? JobId, Job? Job)> CancelAsync(ChatUser user, long? jobId, CancellationToken cancellationToken)
    {
        jobId ??= (await store.QueryAsync(
            jobs => jobs.Where(j => j.UserKey == user.Key && JobStates.Unfinished.Contains(j.State)).OrderByDescending(j => j.Id).Select(j => j.Id).Take(1),
            cancellationToken)).Cast<long?>().FirstOrDefault();
        if (jobId is null)
        {
            return (CancelResult.NotFound, null, null);
        }

        var (result, job) = await CancelJobAsync(user, jobId.Value, cancellationToken);
        return (result, jobId, job);
    }

    private async Task<(CancelResult Result, Job? Job)> CancelJobAsync(ChatUser user, long jobId, CancellationToken cancellationToken)
    {
        // A loop moving the job at the same moment makes the first attempt lose the race; the next one reads the new state.
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var job = await store.FindAsync(jobId, cancellationToken);
            if (job is null)
            {
                return (CancelResult.NotFound, null);
            }

            if (job.UserKey != user.Key && !user.IsChatModerator)
            {
                return (CancelResult.NotOwner, job);
            }

            if (job.IsTerminal)
            {
                return (CancelResult.AlreadyFinished, job);
            }

            if (job.State == JobState.Delivering)
            {
                return (CancelResult.TooLate, job);
            }

            if (job.RunPodJobId is { } runPodJobId)
            {
                await CancelOnRunPodAsync(job.Id, runPodJobId, cancellationToken);
            }

            // The status shows who stopped the job when it was not its owner.
            var reason = job.UserKey == user.Key ? null : "A moderator cancelled this job.";
            var cancelled = await store.FinishAsync(job, JobState.Cancelled, reason, change: null, cancellationToken);
            if (cancelled is not null)
            {
                LogCancelled(logger, job.Id, user.Key);
                reporter.Publish(cancelled);
                return (CancelResult.Cancelled, job);
            }
        }

        return (CancelResult.AlreadyFinished, await store.FindAsync(jobId, cancellationToken));
    }

    /// <summary>Asks RunPod to stop a job; a failure is logged, because the job is ended in the bot either way.</summary>
    internal async Task CancelOnRunPodAsync(long jobId, string runPodJobId, CancellationToken cancellationToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<IRunPodClient>().CancelAsync(runPodJobId, cancellationToken);
        }
        catch (RunPodException exception)
        {
            JobsLog.CancelFailed(logger, exception, jobId, runPodJobId);
        }
    }

    [LoggerMessage(EventId = 230, Level = LogLevel.Information, Message = "Job {JobId} cancelled by {UserKey}")]
    private static partial void LogCancelled(ILogger logger, long jobId, string userKey);
}
