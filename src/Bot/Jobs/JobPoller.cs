using Bot.Hosting;
using Bot.RunPod;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bot.Jobs;

/// <summary>
/// Follows jobs on RunPod through <c>/status</c>: running jobs every <see cref="RunPodOptions.PollInterval"/>,
/// queued jobs less often the longer they wait, failing checks with exponential back-off. It also enforces the
/// bot's own deadline on every unfinished job.
/// </summary>
internal sealed class JobPoller(
    JobStore store,
    IServiceScopeFactory scopes,
    JobScope scope,
    JobSignals signals,
    StatusReporter reporter,
    FatalErrors fatalErrors,
    IOptionsMonitor<RunPodOptions> runPodOptions,
    TimeProvider time,
    ILogger<JobPoller> logger) : PipelineService("poll", signals.Poll, time, logger)
{
    private const int MaxParallelChecks = 4;

    // Input images stay this long after their job finished, so the video's Re-roll button can send them again.
    private static readonly TimeSpan ImageRetention = TimeSpan.FromHours(24);
    private static readonly TimeSpan ImageCleanupInterval = TimeSpan.FromHours(1);
    private DateTimeOffset _lastImageCleanup;
    private static readonly TimeSpan IdleWait = TimeSpan.FromSeconds(30);

    protected override async Task<TimeSpan> PassAsync(CancellationToken cancellationToken)
    {
        var now = Time.GetUtcNow();
        if (now - _lastImageCleanup > ImageCleanupInterval)
        {
            _lastImageCleanup = now;
            await store.DeleteOldImagesAsync(now - ImageRetention, cancellationToken);
        }

        var overdue = await store.QueryAsync(
            jobs => scope.Filter(jobs).Where(j => JobStates.Unfinished.Contains(j.State) && j.Deadline <= now),
            cancellationToken);
        foreach (var job in overdue)
        {
            await TimeOutAsync(job, cancellationToken);
        }

        var due = await store.QueryAsync(
            jobs => scope.Filter(jobs)
                .Where(j => JobStates.OnGpu.Contains(j.State) && j.NextCheckAt <= now)
                .OrderBy(j => j.NextCheckAt),
            cancellationToken);

        await Parallel.ForEachAsync(
            due,
            new ParallelOptions { MaxDegreeOfParallelism = MaxParallelChecks, CancellationToken = cancellationToken },
            async (job, token) => await CheckAsync(job, token));

        var next = await store.QueryAsync(
            jobs => scope.Filter(jobs)
                .Where(j => JobStates.OnGpu.Contains(j.State))
                .OrderBy(j => j.NextCheckAt)
                .Select(j => j.NextCheckAt)
                .Take(1),
            cancellationToken);

        return next.FirstOrDefault() is { } nextCheck ? Clamp(nextCheck - Time.GetUtcNow()) : IdleWait;
    }

    private async Task CheckAsync(Job job, CancellationToken cancellationToken)
    {
        var settings = runPodOptions.CurrentValue;
        JobStatusResponse? status;
        try
        {
            await using var services = scopes.CreateAsyncScope();
            status = await services.ServiceProvider.GetRequiredService<IRunPodClient>().GetStatusAsync(job.RunPodJobId!, cancellationToken);
        }
        catch (RunPodException exception) when (exception.Failure == RunPodFailure.Unauthorized)
        {
            fatalErrors.Stop(exception.Message);
            return;
        }
        catch (RunPodException exception)
        {
            var failures = job.CheckFailures + 1;
            var wait = Clamp(settings.PollInterval * Math.Pow(2, Math.Min(failures, 10)), settings.MaxPollInterval);
            JobsLog.StatusCheckFailed(logger, exception, job.Id, job.RunPodJobId!, failures, wait);
            await store.UpdateAsync(job, j =>
            {
                j.CheckFailures = failures;
                j.NextCheckAt = Time.GetUtcNow() + wait;
            }, cancellationToken);
            return;
        }

        if (status is null)
        {
            await FinishAsync(job, JobState.Expired,
                "The GPU service no longer has this job. Its time limit ran out, or its result was deleted before the bot fetched it.",
                "RunPod responded 404", cancellationToken);
            return;
        }

        await ApplyAsync(job, status, settings, cancellationToken);
    }

    private async Task ApplyAsync(Job job, JobStatusResponse status, RunPodOptions settings, CancellationToken cancellationToken)
    {
        var now = Time.GetUtcNow();
        Job? updated;
        switch (status.Status)
        {
            case RunPodStatus.InQueue:
                // A queued job rarely moves within seconds (a cold start takes minutes), so it is checked less
                // often the longer it waits, up to the maximum interval.
                var waited = now - (job.SubmittedAt ?? now);
                var interval = Clamp(settings.PollInterval + (waited / 10), settings.MaxPollInterval);
                updated = await store.UpdateAsync(job, j =>
                {
                    j.State = JobState.Submitted;
                    j.CheckFailures = 0;
                    j.DelayMs = status.DelayTime;
                    j.NextCheckAt = now + interval;
                }, cancellationToken);
                break;

            case RunPodStatus.InProgress:
                var progress = WorkerProgress.TryParse(status.Output);
                updated = await store.UpdateAsync(job, j =>
                {
                    j.State = JobState.Running;
                    RecordStarted(j, status, now);
                    if (progress is not null)
                    {
                        j.ProgressStage = progress.Stage;
                        j.ProgressPercent = progress.Percent;
                        j.ProgressStep = progress.Step;
                        j.ProgressSteps = progress.Steps;
                    }

                    j.NextCheckAt = now + settings.PollInterval;
                }, cancellationToken);
                break;

            case RunPodStatus.Completed:
                updated = await store.UpdateAsync(job, j =>
                {
                    j.State = JobState.Delivering;
                    RecordStarted(j, status, now);
                    j.ProgressPercent = 100;
                    j.NextCheckAt = now;
                }, cancellationToken);
                signals.Deliver.Set();
                break;

            case RunPodStatus.Failed:
                var error = WorkerErrors.Describe(status.Error);
                await FinishAsync(job, JobState.Failed, error, status.Error?.GetRawText() ?? "no error given", cancellationToken);
                return;

            case RunPodStatus.Cancelled:
                await FinishAsync(job, JobState.Cancelled, "The job was cancelled on the GPU service.", "RunPod reports CANCELLED", cancellationToken);
                return;

            case RunPodStatus.TimedOut:
                await FinishAsync(job, JobState.TimedOut,
                    $"The GPU service stopped the job because it waited or ran too long (the limit is {StatusText.Duration(settings.ExecutionTimeout)}).",
                    "RunPod reports TIMED_OUT", cancellationToken);
                return;

            default:
                // An unknown status is treated like a failed check: the job is looked at again later.
                updated = await store.UpdateAsync(job, j => j.NextCheckAt = now + settings.MaxPollInterval, cancellationToken);
                break;
        }

        if (updated is not null && updated.State != job.State)
        {
            JobsLog.StatusChanged(logger, job.Id, job.RunPodJobId!, status.Status);
        }

        if (updated is not null)
        {
            reporter.Publish(updated);
        }
    }

    /// <summary>Records that the worker picked the job up, with RunPod's queue and execution times so far.</summary>
    private static void RecordStarted(Job job, JobStatusResponse status, DateTimeOffset now)
    {
        job.StartedAt ??= now;
        job.CheckFailures = 0;
        job.DelayMs = status.DelayTime ?? job.DelayMs;
        job.ExecutionMs = status.ExecutionTime ?? job.ExecutionMs;
    }

    /// <summary>Cancels a job that passed the bot's deadline, so it stops costing GPU time, and releases its quota.</summary>
    private async Task TimeOutAsync(Job job, CancellationToken cancellationToken)
    {
        // A job being uploaded right now is left to finish; the deliverer settles it.
        if (job.State == JobState.Delivering && job.DeliveryStartedAt is not null)
        {
            return;
        }

        JobsLog.DeadlinePassed(logger, job.Id, job.State);
        if (job.RunPodJobId is { } runPodJobId && job.State != JobState.Delivering)
        {
            try
            {
                await using var services = scopes.CreateAsyncScope();
                await services.ServiceProvider.GetRequiredService<IRunPodClient>().CancelAsync(runPodJobId, cancellationToken);
            }
            catch (RunPodException exception)
            {
                JobsLog.CancelFailed(logger, exception, job.Id, runPodJobId);
            }
        }

        var limit = runPodOptions.CurrentValue.JobDeadline;
        await FinishAsync(job, JobState.TimedOut,
            $"The video was not ready within the bot's limit of {StatusText.Duration(limit)}, so the job was stopped.",
            "deadline passed", cancellationToken);
    }

    private async Task FinishAsync(Job job, JobState state, string reason, string detail, CancellationToken cancellationToken)
    {
        var finished = await store.FinishAsync(job, state, reason, change: null, cancellationToken);
        if (finished is not null)
        {
            JobsLog.Ended(logger, job.Id, job.RunPodJobId, state, detail);
            reporter.Publish(finished);
        }
    }

    private TimeSpan Clamp(TimeSpan wait) => Clamp(wait, runPodOptions.CurrentValue.MaxPollInterval);

    private static TimeSpan Clamp(TimeSpan wait, TimeSpan max)
    {
        if (wait < TimeSpan.Zero)
        {
            return TimeSpan.Zero;
        }

        return wait > max ? max : wait;
    }
}
