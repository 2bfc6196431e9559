using System.Globalization;
using Bot.Chat;
using Bot.Hosting;
using Bot.RunPod;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bot.Jobs;

/// <summary>
/// Posts finished videos: fetches the output, uploads it when it fits the platform's limit or posts its link
/// otherwise, and settles the job. Each job is marked before its upload starts and is never uploaded twice.
/// </summary>
internal sealed class JobDeliverer(
    JobStore store,
    IServiceScopeFactory scopes,
    VideoFetcher fetcher,
    ChatPorts ports,
    JobScope scope,
    JobSignals signals,
    StatusReporter reporter,
    FatalErrors fatalErrors,
    IOptionsMonitor<RunPodOptions> runPodOptions,
    TimeProvider time,
    ILogger<JobDeliverer> logger) : PipelineService("deliver", signals.Deliver, time, logger)
{
    private const int MaxParallelDeliveries = 2;
    private const int MaxAttempts = 6;
    private const int CaptionPromptLength = 200;
    private static readonly TimeSpan IdleWait = TimeSpan.FromSeconds(30);

    // One delivery, download and upload together, may take this long before it is given up.
    private static readonly TimeSpan DeliveryTimeout = TimeSpan.FromMinutes(10);

    // An upload under way when the bot stops gets this long to finish, so the video arrives and is recorded.
    // It stays below the host's shutdown timeout (set in Program.cs), so an upload cut off at the end is
    // recorded as not posted and tried again at the next start.
    public static readonly TimeSpan ShutdownGrace = TimeSpan.FromSeconds(45);

    /// <summary>
    /// Ends jobs whose upload was cut off by a crash. The chat may already have the video, and posting it again
    /// could show it twice, so the job ends without a charge and the status message explains why.
    /// </summary>
    protected override async Task RecoverAsync(CancellationToken cancellationToken)
    {
        var interrupted = await store.QueryAsync(
            jobs => scope.Filter(jobs).Where(j => j.State == JobState.Delivering && j.DeliveryStartedAt != null),
            cancellationToken);
        foreach (var job in interrupted)
        {
            JobsLog.DeliveryInterrupted(logger, job.Id);
            await FinishAsync(job, JobState.Failed,
                "The bot restarted while posting this video, so it was not posted again to avoid a duplicate. If it did not arrive, please ask again.",
                "interrupted during upload", change: null);
        }
    }

    protected override async Task<TimeSpan> PassAsync(CancellationToken stoppingToken)
    {
        var now = Time.GetUtcNow();
        var due = await store.QueryAsync(
            jobs => scope.Filter(jobs)
                .Where(j => j.State == JobState.Delivering && j.DeliveryStartedAt == null && j.NextCheckAt <= now)
                .OrderBy(j => j.NextCheckAt),
            stoppingToken);

        // Deliveries do not take the stopping token at once: an upload under way gets a grace period to finish.
        using var shutdown = new CancellationTokenSource(Timeout.InfiniteTimeSpan, Time);
        using var graceOnStop = stoppingToken.Register(() => shutdown.CancelAfter(ShutdownGrace));
        await Parallel.ForEachAsync(
            due,
            new ParallelOptions { MaxDegreeOfParallelism = MaxParallelDeliveries },
            async (job, _) =>
            {
                if (!stoppingToken.IsCancellationRequested)
                {
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(shutdown.Token);
                    timeout.CancelAfter(DeliveryTimeout);
                    await DeliverAsync(job, new DeliveryTokens(timeout.Token, shutdown.Token));
                }
            });

        var next = await store.QueryAsync(
            jobs => scope.Filter(jobs)
                .Where(j => j.State == JobState.Delivering && j.DeliveryStartedAt == null)
                .OrderBy(j => j.NextCheckAt)
                .Select(j => j.NextCheckAt)
                .Take(1),
            stoppingToken);
        return next.FirstOrDefault() is { } nextAttempt ? Max(nextAttempt - Time.GetUtcNow(), TimeSpan.Zero) : IdleWait;
    }

    private async Task DeliverAsync(Job job, DeliveryTokens tokens)
    {
        var cancellationToken = tokens.Delivery;
        var output = await FetchOutputAsync(job, cancellationToken);
        if (output is null)
        {
            return;
        }

        var port = ports.Get(job.Platform);
        var limit = port.GetUploadLimit(job.Target);
        var fetched = await fetcher.FetchAsync(job.Id, output, limit, cancellationToken);
        try
        {
            switch (fetched)
            {
                case FetchResult.Failed { Transient: true } failed:
                    await DeferAsync(job, failed.Reason, retryAfter: null, cancellationToken);
                    return;

                case FetchResult.Failed failed:
                    await FinishAsync(job, JobState.Failed, $"The finished video could not be used: {failed.Reason}.", failed.Reason, change: null);
                    return;

                case FetchResult.TooLarge { Bytes: var bytes } when output.VideoUrl is null:
                    await FinishAsync(job, JobState.Failed,
                        $"The video is {Megabytes(bytes ?? output.Bytes)}, over this chat's upload limit of {Megabytes(limit)}, and the worker returned no link to it.",
                        "over the upload limit without a URL", change: null);
                    return;
            }

            await PostAsync(job, port, output, fetched, limit, tokens);
        }
        finally
        {
            if (fetched is FetchResult.Fetched { File.Path: var path })
            {
                File.Delete(path);
            }
        }
    }

    /// <summary>Marks the job as being posted, then uploads the video or posts its link, and settles the job.</summary>
    private async Task PostAsync(Job job, IChatPort port, WorkerVideo output, FetchResult fetched, long limit, DeliveryTokens tokens)
    {
        var cancellationToken = tokens.Delivery;
        var started = await store.UpdateAsync(job, j =>
        {
            j.DeliveryStartedAt = Time.GetUtcNow();
            j.OutputBytes = fetched switch
            {
                FetchResult.Fetched { File.Bytes: var bytes } => bytes,
                FetchResult.TooLarge { Bytes: long bytes } => bytes,
                _ => output.Bytes,
            };
            j.OutputSeed = output.Seed;
            j.OutputWidth = output.Width;
            j.OutputHeight = output.Height;
            j.OutputDurationSeconds = output.DurationSeconds;
        }, cancellationToken);
        if (started is null)
        {
            return;
        }

        try
        {
            if (fetched is FetchResult.Fetched { File: var file })
            {
                var messageId = await port.SendVideoAsync(started.Target, file, Caption(started), cancellationToken);
                await FinishDeliveredAsync(started, messageId, file.Bytes, asLink: false);
            }
            else
            {
                await PostLinkAsync(started, port, output, limit, cancellationToken);
            }
        }
        catch (ChatSendException exception) when (exception.Failure is ChatSendFailure.NotSent or ChatSendFailure.RateLimited)
        {
            // The platform certainly did not post the video, so trying again later cannot make a duplicate.
            await DeferAsync(started, exception.Message, exception.RetryAfter, cancellationToken);
        }
        catch (ChatSendException exception) when (exception.Failure == ChatSendFailure.TooLarge && output.VideoUrl is not null)
        {
            // The platform's real limit was lower than the configured one; the link still gets the video there.
            try
            {
                await PostLinkAsync(started, port, output, limit, cancellationToken);
            }
            catch (ChatSendException linkException)
            {
                await FailPostingAsync(started, linkException);
            }
        }
        catch (ChatSendException exception)
        {
            await FailPostingAsync(started, exception);
        }
        catch (OperationCanceledException) when (tokens.Shutdown.IsCancellationRequested)
        {
            // The bot is stopping and the upload was cut off before the platform responded, so it is tried again at the next start.
            JobsLog.UploadAbandoned(logger, started.Id, ShutdownGrace);
            await DeferAsync(started, "the bot stopped during the upload", retryAfter: TimeSpan.Zero, CancellationToken.None);
        }
        catch (OperationCanceledException)
        {
            await FinishAsync(started, JobState.Failed, "Posting the video took too long and was stopped.", "delivery timed out", change: null);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            await FinishAsync(started, JobState.Failed, "Posting the video failed.", exception.Message, change: null);
        }
    }

    /// <summary>The tokens of one delivery: its own timeout, and the bot's shutdown after the grace period.</summary>
    private readonly record struct DeliveryTokens(CancellationToken Delivery, CancellationToken Shutdown);

    private Task FailPostingAsync(Job job, ChatSendException exception)
    {
        var reason = exception.Failure switch
        {
            ChatSendFailure.TooLarge => "The chat platform refused the video as too large, and the worker returned no link to it.",
            ChatSendFailure.Forbidden => "The bot is not allowed to post in this chat.",
            _ => "Posting the video failed. It was not posted again in case it arrived; if it did not, please ask again.",
        };
        return FinishAsync(job, JobState.Failed, reason, exception.Message, change: null);
    }

    private async Task PostLinkAsync(Job job, IChatPort port, WorkerVideo output, long limit, CancellationToken cancellationToken)
    {
        var messageId = await port.SendMessageAsync(job.Target, LinkText(job, output.VideoUrl!, job.OutputBytes, limit), cancellationToken);
        await FinishDeliveredAsync(job, messageId, job.OutputBytes ?? 0, asLink: true);
    }

    /// <summary>Reads the completed job's output from RunPod; ends the job and returns null when there is no usable video.</summary>
    private async Task<WorkerVideo?> FetchOutputAsync(Job job, CancellationToken cancellationToken)
    {
        JobStatusResponse? status;
        try
        {
            await using var services = scopes.CreateAsyncScope();
            status = await services.ServiceProvider.GetRequiredService<IRunPodClient>().GetStatusAsync(job.RunPodJobId!, cancellationToken);
        }
        catch (RunPodException exception) when (exception.Failure == RunPodFailure.Unauthorized)
        {
            fatalErrors.Stop(exception.Message);
            return null;
        }
        catch (RunPodException exception)
        {
            await DeferAsync(job, exception.Message, retryAfter: null, cancellationToken);
            return null;
        }

        if (status is null)
        {
            await FinishAsync(job, JobState.Expired,
                "The GPU service deleted the result before the bot could fetch it (results are kept for 30 minutes).",
                "RunPod responded 404 for a completed job", change: null);
            return null;
        }

        var video = WorkerVideo.TryParse(status.Output, out var problem);
        if (video is null)
        {
            await FinishAsync(job, JobState.Failed,
                "The GPU worker finished without a usable video. The operator can find the details in the bot's log.",
                problem, change: null);
        }

        return video;
    }

    private async Task DeferAsync(Job job, string reason, TimeSpan? retryAfter, CancellationToken cancellationToken)
    {
        var attempts = job.CheckFailures + 1;
        if (attempts >= MaxAttempts)
        {
            await FinishAsync(job, JobState.Failed,
                "The video could not be posted after several attempts. Please ask again later.",
                $"gave up after {attempts} attempts: {reason}", change: null);
            return;
        }

        var wait = retryAfter ?? runPodOptions.CurrentValue.RetryDelay * Math.Pow(2, attempts);
        JobsLog.DeliveryDeferred(logger, job.Id, job.ChatId, wait, reason);
        await store.UpdateAsync(job, j =>
        {
            j.DeliveryStartedAt = null;
            j.CheckFailures = attempts;
            j.NextCheckAt = Time.GetUtcNow() + wait;
        }, cancellationToken);
    }

    private async Task FinishDeliveredAsync(Job job, string messageId, long bytes, bool asLink)
    {
        // Recorded with no cancellation: the video is out, and the charge must be stored even during shutdown.
        var finished = await store.FinishAsync(job, JobState.Delivered, failureReason: null, j =>
        {
            j.DeliveredMessageId = messageId;
            j.DeliveredAsLink = asLink;
        }, CancellationToken.None);
        if (finished is not null)
        {
            JobsLog.Delivered(logger, job.Id, job.ChatId, asLink ? "link" : "upload", bytes, finished.FinishedAt!.Value - finished.CreatedAt);
            reporter.Publish(finished);
        }
    }

    private async Task FinishAsync(Job job, JobState state, string reason, string detail, Action<Job>? change)
    {
        var finished = await store.FinishAsync(job, state, reason, change, CancellationToken.None);
        if (finished is not null)
        {
            JobsLog.Ended(logger, job.Id, job.RunPodJobId, state, detail);
            reporter.Publish(finished);
        }
    }

    /// <summary>Builds the caption: the prompt (trimmed), then seed, size and length.</summary>
    internal static ChatText Caption(Job job)
    {
        var prompt = job.Prompt.Length <= CaptionPromptLength ? job.Prompt : string.Concat(job.Prompt.AsSpan(0, CaptionPromptLength - 1), "…");
        var text = new ChatText().Plain("🎬 ").Italic(prompt).Plain("\n");
        var facts = new List<string>();
        if (job.OutputSeed is { } seed)
        {
            facts.Add(string.Create(CultureInfo.InvariantCulture, $"seed {seed}"));
        }

        if (job.OutputWidth is { } width && job.OutputHeight is { } height)
        {
            facts.Add(string.Create(CultureInfo.InvariantCulture, $"{width}×{height}"));
        }

        if (job.OutputDurationSeconds is { } seconds)
        {
            facts.Add(string.Create(CultureInfo.InvariantCulture, $"{seconds:0.0} s"));
        }

        return text.Plain(string.Join(" · ", facts)).Button("Re-roll", StatusText.RerollAction(job.Id));
    }

    private static ChatText LinkText(Job job, Uri url, long? bytes, long limit) =>
        new ChatText()
            .Plain("✅ Your video is ready, but at ").Plain(Megabytes(bytes)).Plain($" it is over this chat's upload limit of {Megabytes(limit)}, so here is a ")
            .Link("download link", url)
            .Plain(". The link expires after a while, so save the video soon.\n")
            .Append(Caption(job));

    private static string Megabytes(long? bytes) =>
        bytes is { } value ? string.Create(CultureInfo.InvariantCulture, $"{value / 1_000_000.0:0.#} MB") : "an unknown size";

    private static TimeSpan Max(TimeSpan left, TimeSpan right) => left > right ? left : right;
}
