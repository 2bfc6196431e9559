using Bot.Chat;

namespace Bot.Jobs;

/// <summary>The lifecycle of a job. Every state but the first five is terminal.</summary>
public enum JobState
{
    /// <summary>Quota reserved and stored; not yet sent to RunPod.</summary>
    Accepted,

    /// <summary>Sent to RunPod, which reports <c>IN_QUEUE</c>.</summary>
    Submitted,

    /// <summary>RunPod reports <c>IN_PROGRESS</c>.</summary>
    Running,

    /// <summary>RunPod reports <c>COMPLETED</c> with output; the video is being fetched and posted.</summary>
    Delivering,

    /// <summary>The user received the video (or a link to it); the reservation became a charge.</summary>
    Delivered,

    /// <summary>The worker, RunPod or the delivery failed; the reservation was released.</summary>
    Failed,

    /// <summary>Cancelled on RunPod; the reservation was released.</summary>
    Cancelled,

    /// <summary>RunPod reported <c>TIMED_OUT</c>, or the bot's own deadline passed; the reservation was released.</summary>
    TimedOut,

    /// <summary>RunPod responded 404 for the job: its time to live or result retention ran out.</summary>
    Expired,
}

/// <summary>A video job: the request, where its messages go, and how far it got.</summary>
public sealed class Job
{
    public long Id { get; set; }

    public ChatPlatform Platform { get; set; }

    /// <summary>The requesting user, as <see cref="ChatUser.Key"/>.</summary>
    public required string UserKey { get; set; }

    public required string UserName { get; set; }

    /// <summary>A key unique to the platform message that asked for the job, so a re-delivered update is ignored.</summary>
    public required string RequestKey { get; set; }

    public required string ChatId { get; set; }

    public string? ThreadId { get; set; }

    public string? RequestMessageId { get; set; }

    /// <summary>The message the bot edits to show progress; empty until it has been sent.</summary>
    public string? StatusMessageId { get; set; }

    /// <summary>The Discord interaction token, kept so a restart can still finish the response with it.</summary>
    public string? InteractionToken { get; set; }

    /// <summary>When the interaction token expires; after it, messages go through the channel with the bot token.</summary>
    public DateTimeOffset? InteractionExpiresAt { get; set; }

    /// <summary>The upload limit the platform stated for this conversation, in bytes.</summary>
    public long? UploadLimit { get; set; }

    public required string Prompt { get; set; }

    public string? NegativePrompt { get; set; }

    public required string Task { get; set; }

    public required string Size { get; set; }

    /// <summary>The seed the user asked for; the worker picks one when empty.</summary>
    public long? Seed { get; set; }

    /// <summary>The URL of the image to animate, when the user sent one the worker can fetch.</summary>
    public string? ImageUrl { get; set; }

    /// <summary>Whether the image to animate is stored as a <see cref="JobImage"/>.</summary>
    public bool HasStoredImage { get; set; }

    public JobState State { get; set; }

    public string? RunPodJobId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>The bot's own deadline: a job not delivered by then is cancelled and ends <see cref="JobState.TimedOut"/>.</summary>
    public DateTimeOffset Deadline { get; set; }

    /// <summary>
    /// Set just before <c>/run</c> is called. A job that has it but no <see cref="RunPodJobId"/> was interrupted
    /// while submitting; it is never sent again, because RunPod may already be running it.
    /// </summary>
    public DateTimeOffset? SubmitStartedAt { get; set; }

    public DateTimeOffset? SubmittedAt { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>When the poller (or, while delivering, the deliverer) next looks at this job.</summary>
    public DateTimeOffset? NextCheckAt { get; set; }

    /// <summary>Failed status calls in a row; the poll interval backs off with it.</summary>
    public int CheckFailures { get; set; }

    public string? ProgressStage { get; set; }

    public int? ProgressPercent { get; set; }

    public int? ProgressStep { get; set; }

    public int? ProgressSteps { get; set; }

    /// <summary>
    /// Set just before the upload starts. A job still <see cref="JobState.Delivering"/> with it set after a
    /// restart was interrupted mid-upload; it is not uploaded again, so no video is ever posted twice.
    /// </summary>
    public DateTimeOffset? DeliveryStartedAt { get; set; }

    public string? DeliveredMessageId { get; set; }

    /// <summary>Whether the user got a link instead of an upload, because the file was over the platform's limit.</summary>
    public bool DeliveredAsLink { get; set; }

    /// <summary>Why the job ended without a video, in words a chat user can read.</summary>
    public string? FailureReason { get; set; }

    /// <summary>Time spent in the worker's handler, in milliseconds, as RunPod reports it.</summary>
    public long? ExecutionMs { get; set; }

    /// <summary>Time spent waiting in RunPod's queue, including cold start, in milliseconds.</summary>
    public long? DelayMs { get; set; }

    public long? OutputBytes { get; set; }

    public long? OutputSeed { get; set; }

    public int? OutputWidth { get; set; }

    public int? OutputHeight { get; set; }

    public double? OutputDurationSeconds { get; set; }

    /// <summary>The optimistic concurrency token: each change increments it, so two writers cannot both move a job.</summary>
    public int Version { get; set; }

    public ChatTarget Target => new(ChatId, ThreadId, RequestMessageId)
    {
        InteractionToken = InteractionToken,
        InteractionExpiresAt = InteractionExpiresAt,
        UploadLimit = UploadLimit,
        StatusMessageId = StatusMessageId,
    };

    public bool IsTerminal => State.IsTerminal();
}

/// <summary>Helpers for <see cref="JobState"/>.</summary>
public static class JobStates
{
    /// <summary>The states in which a job is on RunPod and costs GPU time.</summary>
    public static readonly JobState[] OnGpu = [JobState.Submitted, JobState.Running];

    public static readonly JobState[] Unfinished = [JobState.Accepted, JobState.Submitted, JobState.Running, JobState.Delivering];

    public static bool IsTerminal(this JobState state) => state >= JobState.Delivered;
}
