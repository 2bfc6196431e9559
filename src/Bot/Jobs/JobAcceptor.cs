using Bot.Chat;
using Bot.Generation;
using Bot.Moderation;
using Bot.Quotas;
using Bot.RunPod;
using Bot.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bot.Jobs;

/// <summary>What became of a <c>/generate</c> request.</summary>
public enum AcceptResult
{
    Accepted,

    /// <summary>The same platform message was accepted before (a re-delivered update); nothing new was stored.</summary>
    Duplicate,
    InvalidPrompt,

    /// <summary>An option is invalid, or the image does not suit the task; <see cref="AcceptOutcome.Message"/> explains which.</summary>
    InvalidRequest,

    /// <summary>The prompt broke the prompt policy; the rejection was recorded for moderators.</summary>
    Blocked,

    /// <summary>Moderators paused the bot; <see cref="AcceptOutcome.Message"/> is their message, if they left one.</summary>
    Paused,
    Banned,
    QuotaSpent,
}

/// <summary>The outcome of <see cref="JobAcceptor.AcceptAsync"/>.</summary>
public sealed record AcceptOutcome(AcceptResult Result, Job? Job, PromptCheck Prompt, QuotaUsage? Usage, string? Message = null);

/// <summary>
/// Accepts a request. It checks the prompt, the options and the prompt policy first. Then one transaction checks
/// the pause and bans, reserves quota and stores the job, so a request either becomes a job with a
/// reservation or leaves nothing behind.
/// </summary>
public sealed partial class JobAcceptor(
    IDbContextFactory<BotDbContext> contextFactory,
    WriteGate writeGate,
    QuotaLedger ledger,
    PromptPolicy policy,
    IOptionsMonitor<GenerationOptions> generationOptions,
    IOptionsMonitor<RunPodOptions> runPodOptions,
    JobSignals signals,
    StatusReporter reporter,
    TimeProvider time,
    ILogger<JobAcceptor> logger)
{
    /// <summary>The key of the <see cref="BotSetting"/> that contains the pause message while moderators have paused the bot.</summary>
    public const string PauseSetting = "pause";

    /// <summary>The <see cref="AcceptOutcome.Message"/> of a request turned away for its negative prompt.</summary>
    public const string NegativePromptBlocked = "negative prompt";

    public async Task<AcceptOutcome> AcceptAsync(GenerateCommand command, CancellationToken cancellationToken)
    {
        var generation = generationOptions.CurrentValue;
        var prompt = PromptValidator.Check(command.Prompt, generation.MaxPromptLength);
        if (!prompt.IsValid)
        {
            return new AcceptOutcome(AcceptResult.InvalidPrompt, null, prompt, null);
        }

        var preset = VideoPresets.Find(generation.Task)!;
        var negativePrompt = command.NegativePrompt is { Length: > 0 } userNegative
            ? PromptValidator.Check(userNegative, generation.MaxPromptLength)
            : null;
        if (FindInvalidOption(command, preset, negativePrompt, generation.MaxPromptLength) is { } invalid)
        {
            return new AcceptOutcome(AcceptResult.InvalidRequest, null, prompt, null, invalid);
        }

        if (policy.FindBrokenRule(prompt.Prompt) is { } promptRule)
        {
            await RecordRejectionAsync(command, prompt.Prompt, promptRule, cancellationToken);
            return new AcceptOutcome(AcceptResult.Blocked, null, prompt, null);
        }

        if (negativePrompt is { } negative && policy.FindBrokenRule(negative.Prompt) is { } negativeRule)
        {
            await RecordRejectionAsync(command, $"negative prompt: {negative.Prompt}", negativeRule, cancellationToken);
            return new AcceptOutcome(AcceptResult.Blocked, null, prompt, null, NegativePromptBlocked);
        }

        var job = NewJob(command, prompt.Prompt, negativePrompt?.Prompt, preset, generation);
        using var gate = await writeGate.EnterAsync(cancellationToken);
        await using var context = await contextFactory.CreateDbContextAsync(cancellationToken);

        // The transaction takes SQLite's write lock before the quota is read, so concurrent requests of one
        // user are counted one after another and never both take the last free video.
        await using var transaction = await context.Database.BeginTransactionAsync(cancellationToken);
        if (await context.Jobs.AnyAsync(j => j.RequestKey == command.RequestKey, cancellationToken))
        {
            return new AcceptOutcome(AcceptResult.Duplicate, null, prompt, null);
        }

        if (await context.Settings.Where(setting => setting.Key == PauseSetting).Select(setting => setting.Value).FirstOrDefaultAsync(cancellationToken) is { } pauseMessage)
        {
            return new AcceptOutcome(AcceptResult.Paused, null, prompt, null, pauseMessage);
        }

        var ban = await context.Users.Where(u => u.UserKey == command.User.Key && u.BannedAt != null).Select(u => new { u.BanReason }).FirstOrDefaultAsync(cancellationToken);
        if (ban is not null)
        {
            LogBanned(logger, command.User.Key);
            return new AcceptOutcome(AcceptResult.Banned, null, prompt, null, ban.BanReason);
        }

        var (usage, reserved) = await ledger.TryReserveAsync(context, command.User, job, cancellationToken);
        if (!reserved)
        {
            LogQuotaSpent(logger, command.User.Key, usage.Allowance);
            return new AcceptOutcome(AcceptResult.QuotaSpent, null, prompt, usage);
        }

        job.HasStoredImage = command.Image?.Bytes is not null;
        context.Jobs.Add(job);
        try
        {
            await context.SaveChangesAsync(cancellationToken);
            if (command.Image is { Bytes: { } bytes } image)
            {
                context.JobImages.Add(new JobImage { JobId = job.Id, Bytes = bytes, MediaType = image.MediaType });
                await context.SaveChangesAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (exception.InnerException is SqliteException { SqliteErrorCode: 19 })
        {
            // SQLITE_CONSTRAINT on the request key: the same message was accepted by another handler meanwhile.
            return new AcceptOutcome(AcceptResult.Duplicate, null, prompt, null);
        }

        LogAccepted(logger, job.Id, job.UserKey, job.ChatId, prompt.Length);
        context.ChangeTracker.Clear();
        signals.Dispatch.Set();
        reporter.Publish(job);
        return new AcceptOutcome(AcceptResult.Accepted, job, prompt, usage with { Reserved = usage.Reserved + 1 });
    }

    /// <summary>Returns what is wrong with the request's options for this task, or null when nothing is.</summary>
    private static string? FindInvalidOption(GenerateCommand command, VideoPreset preset, PromptCheck? negativePrompt, int maxLength)
    {
        if (command.Seed is < 0)
        {
            return $"The seed must be a whole number from 0 to {long.MaxValue} (it is {command.Seed}).";
        }

        if (negativePrompt is { IsValid: false } negative)
        {
            return negative.Problem == PromptProblem.TooLong
                ? $"The negative prompt is {negative.Length} characters long, and the limit is {maxLength}."
                : "The negative prompt contains control characters. Retype it as plain text.";
        }

        if (command.Image is not null && !preset.TakesImage)
        {
            return "This bot's model makes videos from text only, so it cannot animate an image. Send the command without one.";
        }

        if (command.Image is null && preset.NeedsImage)
        {
            return "This bot's model animates images: send one with the command (on Discord the image option, on Telegram a photo with the command as its caption).";
        }

        return null;
    }

    private Job NewJob(GenerateCommand command, string prompt, string? negativePrompt, VideoPreset preset, GenerationOptions generation)
    {
        var now = time.GetUtcNow();
        var size = command.Aspect switch
        {
            VideoAspect.Landscape => preset.LandscapeSize,
            VideoAspect.Portrait => preset.PortraitSize,
            _ => string.IsNullOrWhiteSpace(generation.Size) ? preset.LandscapeSize : generation.Size,
        };

        return new Job
        {
            Platform = command.User.Platform,
            UserKey = command.User.Key,
            UserName = command.User.DisplayName,
            RequestKey = command.RequestKey,
            ChatId = command.Target.ChatId,
            ThreadId = command.Target.ThreadId,
            RequestMessageId = command.Target.RequestMessageId,
            InteractionToken = command.Target.InteractionToken,
            InteractionExpiresAt = command.Target.InteractionExpiresAt,
            UploadLimit = command.Target.UploadLimit,
            Prompt = prompt,
            NegativePrompt = negativePrompt ?? (string.IsNullOrWhiteSpace(generation.NegativePrompt) ? null : generation.NegativePrompt),
            Task = preset.Task,
            Size = size,
            Seed = command.Seed,
            ImageUrl = command.Image?.Url?.AbsoluteUri,
            State = JobState.Accepted,
            CreatedAt = now,
            UpdatedAt = now,
            Deadline = now + runPodOptions.CurrentValue.JobDeadline,
        };
    }

    private async Task RecordRejectionAsync(GenerateCommand command, string prompt, string rule, CancellationToken cancellationToken)
    {
        LogBlocked(logger, command.User.Key, rule);
        using var gate = await writeGate.EnterAsync(cancellationToken);
        await using var context = await contextFactory.CreateDbContextAsync(cancellationToken);
        context.PromptRejections.Add(new PromptRejection
        {
            At = time.GetUtcNow(),
            UserKey = command.User.Key,
            UserName = command.User.DisplayName,
            Prompt = prompt.Length <= 300 ? prompt : prompt[..300],
            Rule = rule.Length <= 300 ? rule : rule[..300],
        });
        await context.SaveChangesAsync(cancellationToken);
    }

    [LoggerMessage(EventId = 200, Level = LogLevel.Information, Message = "Job {JobId} accepted for {UserKey} in chat {ChatId} ({PromptLength} characters)")]
    private static partial void LogAccepted(ILogger logger, long jobId, string userKey, string chatId, int promptLength);

    [LoggerMessage(EventId = 201, Level = LogLevel.Information, Message = "Request of {UserKey} rejected: allowance of {Allowance} spent")]
    private static partial void LogQuotaSpent(ILogger logger, string userKey, int allowance);

    [LoggerMessage(EventId = 202, Level = LogLevel.Information, Message = "Request of {UserKey} rejected by the prompt policy ({Rule})")]
    private static partial void LogBlocked(ILogger logger, string userKey, string rule);

    [LoggerMessage(EventId = 203, Level = LogLevel.Information, Message = "Request of banned user {UserKey} rejected")]
    private static partial void LogBanned(ILogger logger, string userKey);
}
