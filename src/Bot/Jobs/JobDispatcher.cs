using Bot.Hosting;
using Bot.RunPod;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bot.Jobs;

/// <summary>
/// Sends accepted jobs to RunPod's <c>/run</c>, at most <see cref="RunPodOptions.MaxInFlightJobs"/> at once and
/// <see cref="Quotas.QuotaOptions.MaxConcurrentJobsPerUser"/> per user, taking users in turn so one user's
/// backlog never holds back another user's first job.
/// </summary>
internal sealed class JobDispatcher(
    JobStore store,
    IServiceScopeFactory scopes,
    JobScope scope,
    JobSignals signals,
    StatusReporter reporter,
    JobCanceller canceller,
    FatalErrors fatalErrors,
    IOptionsMonitor<RunPodOptions> runPodOptions,
    IOptionsMonitor<Quotas.QuotaOptions> quotaOptions,
    TimeProvider time,
    ILogger<JobDispatcher> logger) : PipelineService("dispatch", signals.Dispatch, time, logger)
{
    private static readonly TimeSpan IdleWait = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(1);

    // When each user last had a job sent; the user who waited longest goes first.
    private readonly Dictionary<string, DateTimeOffset> _lastTurn = new(StringComparer.Ordinal);
    private int _deferrals;

    /// <summary>
    /// Ends jobs whose <c>/run</c> call was cut off by a crash: RunPod may have created them, and sending them
    /// again could run and bill the same video twice.
    /// </summary>
    protected override async Task RecoverAsync(CancellationToken cancellationToken)
    {
        var interrupted = await store.QueryAsync(
            jobs => scope.Filter(jobs).Where(j => j.State == JobState.Accepted && j.SubmitStartedAt != null),
            cancellationToken);
        foreach (var job in interrupted)
        {
            JobsLog.SubmitInterrupted(logger, job.Id);
            var failed = await store.FinishAsync(
                job,
                JobState.Failed,
                "The bot restarted while sending this job to the GPU service, and it was not sent again in case it was already running. Please try again.",
                change: null,
                cancellationToken);
            if (failed is not null)
            {
                reporter.Publish(failed);
            }
        }
    }

    protected override async Task<TimeSpan> PassAsync(CancellationToken cancellationToken)
    {
        var settings = runPodOptions.CurrentValue;
        var onGpu = await store.QueryAsync(
            jobs => jobs.Where(j => JobStates.OnGpu.Contains(j.State)).Select(j => j.UserKey),
            cancellationToken);
        var waiting = await store.QueryAsync(
            jobs => scope.Filter(jobs)
                .Where(j => j.State == JobState.Accepted && j.SubmitStartedAt == null)
                .OrderBy(j => j.Id)
                .Take(1000),
            cancellationToken);

        var free = settings.MaxInFlightJobs - onGpu.Count;
        if (free <= 0)
        {
            PublishPositions(waiting);
            return IdleWait;
        }

        var running = onGpu.GroupBy(user => user, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var picked = PickInTurn(waiting, running, free, quotaOptions.CurrentValue.MaxConcurrentJobsPerUser);
        foreach (var job in picked)
        {
            var deferredFor = await SubmitAsync(job, settings, cancellationToken);
            if (deferredFor is not null)
            {
                return deferredFor.Value;
            }
        }

        PublishPositions([.. waiting.Except(picked)]);
        _deferrals = 0;
        return IdleWait;
    }

    /// <summary>Shows each waiting job its place in line; the reporter skips edits whose text did not change.</summary>
    private void PublishPositions(List<Job> waiting)
    {
        var positions = QueuePositions.Compute(waiting);
        foreach (var job in waiting)
        {
            reporter.Publish(job, positions[job.Id]);
        }
    }

    /// <summary>Picks up to <paramref name="free"/> jobs, one per user per round, users who waited longest first.</summary>
    private List<Job> PickInTurn(List<Job> waiting, Dictionary<string, int> running, int free, int maxPerUser)
    {
        var queues = waiting
            .GroupBy(job => job.UserKey, StringComparer.Ordinal)
            .OrderBy(group => _lastTurn.GetValueOrDefault(group.Key, DateTimeOffset.MinValue))
            .ThenBy(group => group.First().Id)
            .Select(group => new Queue<Job>(group))
            .ToList();

        var picked = new List<Job>();
        var progress = true;
        while (picked.Count < free && progress)
        {
            progress = false;
            foreach (var queue in queues)
            {
                if (picked.Count == free || queue.Count == 0)
                {
                    continue;
                }

                var user = queue.Peek().UserKey;
                if (running.GetValueOrDefault(user) >= maxPerUser)
                {
                    continue;
                }

                picked.Add(queue.Dequeue());
                running[user] = running.GetValueOrDefault(user) + 1;
                progress = true;
            }
        }

        return picked;
    }

    /// <summary>Sends one job; returns how long to wait before trying again when RunPod could not take it.</summary>
    private async Task<TimeSpan?> SubmitAsync(Job job, RunPodOptions settings, CancellationToken cancellationToken)
    {
        // Marked before the call, so a crash during it is recognised at the next start.
        var marked = await store.UpdateAsync(job, j => j.SubmitStartedAt = Time.GetUtcNow(), cancellationToken);
        if (marked is null)
        {
            return null;
        }

        var image = marked.HasStoredImage ? await store.FindImageAsync(marked.Id, cancellationToken) : null;
        var request = new RunRequest(
            new WorkerInput
            {
                Prompt = marked.Prompt,
                NegativePrompt = marked.NegativePrompt,
                Task = marked.Task,
                Size = marked.Size,
                Seed = marked.Seed,
                ImageUrl = marked.ImageUrl,
                ImageBase64 = image is null ? null : Convert.ToBase64String(image.Bytes),
            },
            new RunPolicy((long)settings.ExecutionTimeout.TotalMilliseconds, (long)settings.Ttl.TotalMilliseconds));

        try
        {
            await using var services = scopes.CreateAsyncScope();
            var runPodJobId = await services.ServiceProvider.GetRequiredService<IRunPodClient>().SubmitAsync(request, cancellationToken);
            var now = Time.GetUtcNow();
            var submitted = await store.UpdateAsync(marked, j =>
            {
                j.State = JobState.Submitted;
                j.RunPodJobId = runPodJobId;
                j.SubmittedAt = now;
                j.NextCheckAt = now + settings.PollInterval;
            }, CancellationToken.None);

            _lastTurn[marked.UserKey] = now;
            JobsLog.Submitted(logger, marked.Id, runPodJobId);
            if (submitted is not null)
            {
                reporter.Publish(submitted);
            }
            else
            {
                // The job was cancelled while /run was in flight, so the RunPod job it started is cancelled too.
                await canceller.CancelOnRunPodAsync(marked.Id, runPodJobId, CancellationToken.None);
            }

            signals.Poll.Set();
            return null;
        }
        catch (RunPodException exception) when (exception.Failure is RunPodFailure.NotSent or RunPodFailure.Unauthorized)
        {
            // Nothing reached RunPod, so the job can safely wait for the next attempt.
            await store.UpdateAsync(marked, j => j.SubmitStartedAt = null, CancellationToken.None);
            if (exception.Failure == RunPodFailure.Unauthorized)
            {
                fatalErrors.Stop(exception.Message);
                return MaxBackoff;
            }

            var wait = Backoff(settings.RetryDelay, ++_deferrals);
            JobsLog.SubmitDeferred(logger, marked.Id, wait, exception.Message);
            return wait;
        }
        catch (RunPodException exception)
        {
            var reason = exception.Failure == RunPodFailure.Rejected
                ? "The GPU service rejected the job. The operator can find the details in the bot's log."
                : "The GPU service did not confirm the job, and it was not sent again in case it was already running. Please try again.";
            var hint = exception.Failure == RunPodFailure.Unknown
                ? ". RunPod may have created the job anyway; check the endpoint's requests in the RunPod console for an orphaned job."
                : string.Empty;
            JobsLog.SubmitFailed(logger, exception, marked.Id, exception.Message, hint);
            var failed = await store.FinishAsync(marked, JobState.Failed, reason, change: null, CancellationToken.None);
            if (failed is not null)
            {
                reporter.Publish(failed);
            }

            return null;
        }
    }

    private static TimeSpan Backoff(TimeSpan baseDelay, int attempt)
    {
        var delay = baseDelay * Math.Pow(2, Math.Min(attempt - 1, 10));
        return delay > MaxBackoff ? MaxBackoff : delay;
    }
}
