using Microsoft.Extensions.Logging;

namespace Bot.Jobs;

/// <summary>Log messages of the job pipeline. Event ids 210 to 239.</summary>
internal static partial class JobsLog
{
    [LoggerMessage(EventId = 210, Level = LogLevel.Information, Message = "Job {JobId} submitted to RunPod as {RunPodJobId}")]
    public static partial void Submitted(ILogger logger, long jobId, string runPodJobId);

    [LoggerMessage(EventId = 211, Level = LogLevel.Warning, Message = "RunPod could not take job {JobId} yet; it stays queued in the bot and is sent again in {RetryIn}: {Reason}")]
    public static partial void SubmitDeferred(ILogger logger, long jobId, TimeSpan retryIn, string reason);

    [LoggerMessage(EventId = 212, Level = LogLevel.Warning, Message = "Job {JobId} failed to submit: {Reason}{Hint}")]
    public static partial void SubmitFailed(ILogger logger, Exception exception, long jobId, string reason, string hint);

    [LoggerMessage(EventId = 213, Level = LogLevel.Warning, Message = "Job {JobId} was interrupted while being sent to RunPod; it is not sent again, because RunPod may already run it. Check the RunPod console for an orphaned job.")]
    public static partial void SubmitInterrupted(ILogger logger, long jobId);

    [LoggerMessage(EventId = 214, Level = LogLevel.Information, Message = "Job {JobId} ({RunPodJobId}) is {RunPodStatus}")]
    public static partial void StatusChanged(ILogger logger, long jobId, string runPodJobId, string runPodStatus);

    [LoggerMessage(EventId = 215, Level = LogLevel.Warning, Message = "Status check of job {JobId} ({RunPodJobId}) failed {Failures} times in a row; next check in {RetryIn}")]
    public static partial void StatusCheckFailed(ILogger logger, Exception exception, long jobId, string runPodJobId, int failures, TimeSpan retryIn);

    [LoggerMessage(EventId = 216, Level = LogLevel.Warning, Message = "Job {JobId} ({RunPodJobId}) ended {State}: {Detail}")]
    public static partial void Ended(ILogger logger, long jobId, string? runPodJobId, JobState state, string detail);

    [LoggerMessage(EventId = 217, Level = LogLevel.Warning, Message = "Job {JobId} passed its deadline in state {State}; cancelling it")]
    public static partial void DeadlinePassed(ILogger logger, long jobId, JobState state);

    [LoggerMessage(EventId = 218, Level = LogLevel.Warning, Message = "Cancelling job {JobId} ({RunPodJobId}) on RunPod failed; it may still use GPU time until RunPod's execution timeout")]
    public static partial void CancelFailed(ILogger logger, Exception exception, long jobId, string runPodJobId);

    [LoggerMessage(EventId = 219, Level = LogLevel.Information, Message = "Job {JobId} delivered to chat {ChatId} as {Method} ({Bytes} bytes) after {Elapsed}")]
    public static partial void Delivered(ILogger logger, long jobId, string chatId, string method, long bytes, TimeSpan elapsed);

    [LoggerMessage(EventId = 220, Level = LogLevel.Warning, Message = "Delivery of job {JobId} to chat {ChatId} deferred for {RetryIn}: {Reason}")]
    public static partial void DeliveryDeferred(ILogger logger, long jobId, string chatId, TimeSpan retryIn, string reason);

    [LoggerMessage(EventId = 221, Level = LogLevel.Warning, Message = "Job {JobId} was interrupted while its video was being posted; it is not posted again, so no chat gets it twice")]
    public static partial void DeliveryInterrupted(ILogger logger, long jobId);

    [LoggerMessage(EventId = 225, Level = LogLevel.Warning, Message = "The bot stopped while job {JobId} was being posted and the upload did not finish within {Grace}; it is posted at the next start")]
    public static partial void UploadAbandoned(ILogger logger, long jobId, TimeSpan grace);

    [LoggerMessage(EventId = 222, Level = LogLevel.Error, Message = "A pass of the {Loop} loop failed; it runs again in {RetryIn}")]
    public static partial void PassFailed(ILogger logger, Exception exception, string loop, TimeSpan retryIn);

    [LoggerMessage(EventId = 223, Level = LogLevel.Debug, Message = "The {Loop} loop stopped")]
    public static partial void LoopStopped(ILogger logger, string loop);

    [LoggerMessage(EventId = 224, Level = LogLevel.Information, Message = "Resuming {Count} unfinished jobs")]
    public static partial void Resuming(ILogger logger, int count);
}
