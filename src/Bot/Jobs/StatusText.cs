using System.Globalization;
using Bot.Chat;

namespace Bot.Jobs;

/// <summary>Builds the text of a job's status message from its stored state.</summary>
public static class StatusText
{
    private const int BarWidth = 10;
    private const string QuotaNote = " It does not count against the allowance.";

    // A job that waits this long in RunPod's queue is most likely waiting for a worker to start (a cold start).
    private static readonly TimeSpan ColdStartHintAfter = TimeSpan.FromSeconds(45);

    /// <param name="position">The job's place in the bot's line, while it waits there.</param>
    public static ChatText For(Job job, DateTimeOffset now, int? position = null)
    {
        var text = new ChatText();
        switch (job.State)
        {
            case JobState.Accepted:
                text.Plain("⏳ ").Bold("Queued").Plain($" (job #{job.Id})");
                text.Plain(position is { } place ? $", number {place} in line. It goes to the GPU when a slot is free." : ". It goes to the GPU when a slot is free.");
                break;

            case JobState.Submitted:
                text.Plain("⏳ ").Bold("Waiting for a GPU").Plain($" (job #{job.Id}).");
                if (job.SubmittedAt is { } submittedAt && now - submittedAt > ColdStartHintAfter)
                {
                    text.Plain(" A worker is starting up; after a quiet spell this takes a few minutes.");
                }

                break;

            case JobState.Running:
                text.Plain("🎬 ").Bold(StageName(job.ProgressStage)).Plain("\n").Code(Bar(job.ProgressPercent ?? 0));
                text.Plain($" {job.ProgressPercent ?? 0}%");
                if (job.ProgressStage == "denoising" && job.ProgressStep is { } step && job.ProgressSteps is { } steps)
                {
                    text.Plain($" · step {step}/{steps}");
                }

                break;

            case JobState.Delivering:
                text.Plain("📤 ").Bold("Sending the video").Plain("…");
                break;

            case JobState.Delivered:
                text.Plain("✅ ").Bold("Done").Plain($" in {Duration((job.FinishedAt ?? now) - job.CreatedAt)}.");
                if (job.DeliveredAsLink)
                {
                    text.Plain(" The video was too large to upload here, so it was sent as a link.");
                }

                break;

            case JobState.Failed:
                text.Plain("❌ ").Bold("Failed.").Plain(" ").Plain(job.FailureReason ?? "The job failed.").Plain(QuotaNoteFor(job));
                break;

            case JobState.Cancelled:
                text.Plain("🚫 ").Bold("Cancelled.").Plain(job.FailureReason is { } reason ? $" {reason}" : string.Empty).Plain(QuotaNoteFor(job));
                break;

            case JobState.TimedOut:
                text.Plain("⌛ ").Bold("Timed out.").Plain(" ").Plain(job.FailureReason ?? "The job took too long.").Plain(QuotaNoteFor(job));
                break;

            case JobState.Expired:
                text.Plain("⌛ ").Bold("Expired.").Plain(" ").Plain(job.FailureReason ?? "The GPU service no longer has this job.").Plain(QuotaNoteFor(job));
                break;

            default:
                throw new ArgumentOutOfRangeException(nameof(job), job.State, "Unknown job state.");
        }

        // Until the video is being posted, the job can still be stopped.
        if (job.State is JobState.Accepted or JobState.Submitted or JobState.Running)
        {
            text.Button("Cancel", CancelAction(job.Id));
        }

        return text;
    }

    // The command line is not limited by an allowance, so the note would only confuse there.
    private static string QuotaNoteFor(Job job) => job.Platform == ChatPlatform.Cli ? string.Empty : QuotaNote;

    /// <summary>Returns the action of a job's Cancel button, which <see cref="TryParseCancelAction"/> reads back.</summary>
    public static string CancelAction(long jobId) => string.Create(CultureInfo.InvariantCulture, $"cancel:{jobId}");

    public static bool TryParseCancelAction(string action, out long jobId) => TryParseAction(action, "cancel:", out jobId);

    /// <summary>Returns the action of a delivered video's Re-roll button.</summary>
    public static string RerollAction(long jobId) => string.Create(CultureInfo.InvariantCulture, $"reroll:{jobId}");

    public static bool TryParseRerollAction(string action, out long jobId) => TryParseAction(action, "reroll:", out jobId);

    private static bool TryParseAction(string action, string prefix, out long jobId)
    {
        jobId = 0;
        return action.StartsWith(prefix, StringComparison.Ordinal)
            && long.TryParse(action.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out jobId);
    }

    /// <summary>Formats a duration the way a person reads it: <c>45 s</c>, <c>3 min 05 s</c>, <c>1 h 02 min</c>.</summary>
    public static string Duration(TimeSpan duration)
    {
        if (duration < TimeSpan.Zero)
        {
            duration = TimeSpan.Zero;
        }

        return duration.TotalHours >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{(int)duration.TotalHours} h {duration.Minutes:00} min")
            : duration.TotalMinutes >= 1
                ? string.Create(CultureInfo.InvariantCulture, $"{(int)duration.TotalMinutes} min {duration.Seconds:00} s")
                : string.Create(CultureInfo.InvariantCulture, $"{(int)duration.TotalSeconds} s");
    }

    private static string StageName(string? stage) => stage switch
    {
        "loading" => "Loading the model",
        "encoding" => "Reading the prompt",
        "denoising" => "Generating",
        "decoding" => "Decoding the frames",
        "uploading" => "Saving the video",
        _ => "Starting",
    };

    private static string Bar(int percent)
    {
        var filled = Math.Clamp(percent, 0, 100) * BarWidth / 100;
        return new string('▰', filled) + new string('▱', BarWidth - filled);
    }
}
