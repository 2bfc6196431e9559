using Bot.Chat;
using Bot.Generation;
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
    QuotaSpent,
}

/// <summary>The outcome of <see cref="JobAcceptor.AcceptAsync"/>.</summary>
public sealed record AcceptOutcome(AcceptResult Result, Job? Job, PromptCheck Prompt, QuotaUsage? Usage);

/// <summary>
/// Accepts a request: checks the prompt, then reserves quota and stores the job in one transaction, so a
/// request either becomes a job with a reservation or leaves nothing behind.
/// </summary>
public sealed partial class JobAcceptor(
    IDbContextFactory<BotDbContext> contextFactory,
    WriteGate writeGate,
    QuotaLedger ledger,
    IOptionsMonitor<GenerationOptions> generationOptions,
    IOptionsMonitor<RunPodOptions> runPodOptions,
    JobSignals signals,
    StatusReporter reporter,
    TimeProvider time,
    ILogger<JobAcceptor> logger)
{
    public async Task<AcceptOutcome> AcceptAsync(GenerateCommand command, CancellationToken cancellationToken)
    {
        var generation = generationOptions.CurrentValue;
        var prompt = PromptValidator.Check(command.Prompt, generation.MaxPromptLength);
        if (!prompt.IsValid)
        {
            return new AcceptOutcome(AcceptResult.InvalidPrompt, null, prompt, null);
        }

        var now = time.GetUtcNow();
        var preset = VideoPresets.Find(generation.Task)!;
        var job = new Job
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
            Prompt = prompt.Prompt,
            NegativePrompt = string.IsNullOrWhiteSpace(generation.NegativePrompt) ? null : generation.NegativePrompt,
            Task = preset.Task,
            Size = string.IsNullOrWhiteSpace(generation.Size) ? preset.LandscapeSize : generation.Size,
            Seed = command.Seed,
            State = JobState.Accepted,
            CreatedAt = now,
            UpdatedAt = now,
            Deadline = now + runPodOptions.CurrentValue.JobDeadline,
        };

        using var gate = await writeGate.EnterAsync(cancellationToken);
        await using var context = await contextFactory.CreateDbContextAsync(cancellationToken);

        // The transaction takes SQLite's write lock before the quota is read, so concurrent requests of one
        // user are counted one after another and never both take the last free video.
        await using var transaction = await context.Database.BeginTransactionAsync(cancellationToken);
        if (await context.Jobs.AnyAsync(j => j.RequestKey == command.RequestKey, cancellationToken))
        {
            return new AcceptOutcome(AcceptResult.Duplicate, null, prompt, null);
        }

        var (usage, reserved) = await ledger.TryReserveAsync(context, command.User, job, cancellationToken);
        if (!reserved)
        {
            LogQuotaSpent(logger, command.User.Key, usage.Allowance);
            return new AcceptOutcome(AcceptResult.QuotaSpent, null, prompt, usage);
        }

        context.Jobs.Add(job);
        try
        {
            await context.SaveChangesAsync(cancellationToken);
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

    [LoggerMessage(EventId = 200, Level = LogLevel.Information, Message = "Job {JobId} accepted for {UserKey} in chat {ChatId} ({PromptLength} characters)")]
    private static partial void LogAccepted(ILogger logger, long jobId, string userKey, string chatId, int promptLength);

    [LoggerMessage(EventId = 201, Level = LogLevel.Information, Message = "Request of {UserKey} refused: allowance of {Allowance} spent")]
    private static partial void LogQuotaSpent(ILogger logger, string userKey, int allowance);
}
