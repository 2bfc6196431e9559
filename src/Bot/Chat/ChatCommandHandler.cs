using System.Globalization;
using Bot.Generation;
using Bot.Jobs;
using Bot.Moderation;
using Bot.Quotas;
using Bot.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Bot.Chat;

/// <summary>
/// Carries out the commands every platform shares and returns the reply. The adapter posts the reply, because
/// the form depends on the platform: a message, an edit of a deferred response, or a note for the user alone.
/// </summary>
public sealed class ChatCommandHandler(
    JobAcceptor acceptor,
    JobCanceller canceller,
    StatusReporter reporter,
    ModerationService moderation,
    QuotaLedger ledger,
    IDbContextFactory<BotDbContext> contextFactory,
    IOptionsMonitor<GenerationOptions> generationOptions,
    IOptionsMonitor<QuotaOptions> quotaOptions,
    TimeProvider time)
{
    public const string ExamplePrompt = "a red fox running through snow";
    private const int JobsListed = 10;
    private const int RerollWindowSeconds = 10;

    /// <summary>The reply when carrying out a command failed inside the bot, e.g. because the database was unavailable.</summary>
    public static ChatText InternalErrorText { get; } = ChatText.Of(
        "Something went wrong on the bot's side, and your command was not carried out. Nothing was counted against your allowance; please try again in a minute.");

    /// <summary>Carries out the command and returns the reply, or null when the job's status message is the reply.</summary>
    public async Task<ChatText?> HandleAsync(ChatCommand command, CancellationToken cancellationToken) =>
        command switch
        {
            GenerateCommand generate => await GenerateAsync(generate, cancellationToken),
            RerollCommand reroll => await RerollAsync(reroll, cancellationToken),
            ShowQuotaCommand => await QuotaAsync(command.User, cancellationToken),
            ListJobsCommand list => await ListJobsAsync(list, cancellationToken),
            HelpCommand help => Help(help.IsStart, command.User.Platform),
            CancelCommand cancel => await CancelAsync(cancel, cancellationToken),
            ModerateCommand moderate => await moderation.HandleAsync(moderate, cancellationToken),
            InvalidCommand { ModeratorsOnly: true } when !command.User.IsChatModerator => ModerationService.NotModeratorText,
            InvalidCommand invalid => ChatText.Of(invalid.Message),
            _ => throw new ArgumentOutOfRangeException(nameof(command), command, "Unknown command."),
        };

    private async Task<ChatText?> GenerateAsync(GenerateCommand command, CancellationToken cancellationToken)
    {
        var outcome = await acceptor.AcceptAsync(command, cancellationToken);
        if (outcome.Job is { } job)
        {
            // The status message is the reply; the chat's next command waits for it, so replies keep their order.
            await reporter.WhenFirstShownAsync(job.Id);
        }

        var maxLength = generationOptions.CurrentValue.MaxPromptLength;
        return outcome.Result switch
        {
            AcceptResult.Accepted or AcceptResult.Duplicate => null,
            AcceptResult.InvalidPrompt => outcome.Prompt.Problem switch
            {
                PromptProblem.Empty => new ChatText()
                    .Plain("Please describe the video after the command, for example:\n")
                    .Code($"/generate {ExamplePrompt}"),
                PromptProblem.TooLong => ChatText.Of(
                    $"Your description is {outcome.Prompt.Length} characters long, and the limit is {maxLength}. Please shorten it and send it again."),
                _ => ChatText.Of(
                    "Your description contains control characters (invisible formatting codes). Please retype it as plain text and send it again."),
            },
            AcceptResult.InvalidRequest => ChatText.Of(outcome.Message!),
            AcceptResult.Blocked when outcome.Message == JobAcceptor.NegativePromptBlocked => ChatText.Of(
                (command.User.Platform == ChatPlatform.Telegram ? "The text after --no" : "Your negative prompt")
                + " uses words this bot does not allow, so no video was made and nothing was counted. Please leave them out."),
            AcceptResult.Blocked => ChatText.Of("This description is not allowed on this bot, so no video was made and nothing was counted. Please describe something else."),
            AcceptResult.Paused => new ChatText()
                .Plain("The moderators have paused video generation for now. Nothing was counted; please try again later.")
                .Plain(string.IsNullOrWhiteSpace(outcome.Message) ? string.Empty : $"\nTheir message: {outcome.Message}"),
            AcceptResult.Banned => ChatText.Of("You can't make videos on this bot: a moderator banned you."
                + (string.IsNullOrWhiteSpace(outcome.Message) ? string.Empty : $" Reason: {outcome.Message}")),
            AcceptResult.QuotaSpent => QuotaSpentText(outcome.Usage!),
            _ => throw new InvalidOperationException($"Unknown accept result {outcome.Result}."),
        };
    }

    /// <summary>Repeats a delivered video's request with a new seed, as a new job of the user who pressed Re-roll.</summary>
    private async Task<ChatText?> RerollAsync(RerollCommand command, CancellationToken cancellationToken)
    {
        await using var context = await contextFactory.CreateDbContextAsync(cancellationToken);
        var job = await context.Jobs.AsNoTracking().SingleOrDefaultAsync(j => j.Id == command.JobId, cancellationToken);
        if (job is not { State: JobState.Delivered })
        {
            return ChatText.Of("Only a finished video can be re-rolled.");
        }

        if (job.UserKey != command.User.Key)
        {
            return ChatText.Of("Only the person who asked for this video can re-roll it. Use /generate with your own description.");
        }

        ChatImage? image = null;
        if (job.ImageUrl is { } url)
        {
            image = new ChatImage(new Uri(url), null, "image/*");
        }
        else if (job.HasStoredImage)
        {
            var stored = await context.JobImages.AsNoTracking().SingleOrDefaultAsync(i => i.JobId == job.Id, cancellationToken);
            if (stored is null)
            {
                return ChatText.Of("This video's image is no longer kept, so it cannot be re-rolled. Send the image again with /generate.");
            }

            image = new ChatImage(null, stored.Bytes, stored.MediaType);
        }

        // The key carries the press, so a re-delivered press is a duplicate, and the job and user, so that a
        // second press moments after the first (a double tap, or a slow connection) makes no second job either.
        var keyPrefix = string.Create(CultureInfo.InvariantCulture, $"reroll:{job.Id}:{command.User.Key}:");
        var requestKey = keyPrefix + command.RequestKey;
        var recentFrom = time.GetUtcNow().AddSeconds(-RerollWindowSeconds);
        if (await context.Jobs.AnyAsync(j => j.RequestKey.StartsWith(keyPrefix) && j.RequestKey != requestKey && j.CreatedAt >= recentFrom, cancellationToken))
        {
            return ChatText.Of("You pressed Re-roll a moment ago, and that video is already on its way.");
        }

        var preset = VideoPresets.Find(job.Task);
        var aspect = preset is not null && job.Size == preset.PortraitSize ? VideoAspect.Portrait : VideoAspect.Landscape;
        var generate = new GenerateCommand(
            command.User,
            command.Target,
            job.Prompt,
            requestKey,
            NewSeed(job.OutputSeed ?? job.Seed),
            aspect,
            job.NegativePrompt,
            image);
        return await GenerateAsync(generate, cancellationToken);
    }

    private async Task<ChatText?> CancelAsync(CancelCommand command, CancellationToken cancellationToken)
    {
        var requested = command.JobId;
        if (requested is null && command.RepliedMessageId is { } replied)
        {
            requested = await JobOfMessageAsync(command.Target.ChatId, replied, cancellationToken);
            if (requested is null)
            {
                return ChatText.Of("The message you replied to is not a job's status or request. Reply to the status message, or give the job's number: /cancel 12.");
            }
        }

        var (result, jobId, job) = await canceller.CancelAsync(command.User, requested, cancellationToken);
        if (result == CancelResult.Cancelled && job!.UserKey != command.User.Key)
        {
            // A moderator stopped someone else's job: that is a moderator action, so it goes into the audit log.
            await moderation.RecordAsync(command.User, "cancel", job.UserKey, $"job #{job.Id} {ChatFormat.State(job.State)}", "cancelled", cancellationToken);
            return ChatText.Of($"Job #{jobId} of {ChatFormat.User(job.UserName, job.UserKey)} was cancelled, and it was not counted against their allowance.");
        }

        return result switch
        {
            CancelResult.Cancelled => ChatText.Of($"Job #{jobId} was cancelled, and it was not counted against your allowance."),
            CancelResult.NotOwner => ChatText.Of("Only the person who asked for this video, or a moderator, can cancel it."),
            CancelResult.TooLate => ChatText.Of("The video is already being posted, so it can no longer be cancelled."),
            CancelResult.NotFound when jobId is null => ChatText.Of("You have no unfinished job to cancel."),
            CancelResult.NotFound => ChatText.Of($"There is no job #{jobId}."),
            _ => ChatText.Of($"Job #{jobId} has already ended ({ChatFormat.State(job!.State)})."),
        };
    }

    /// <summary>Returns the job whose status or request is the given message of the chat, if any.</summary>
    private async Task<long?> JobOfMessageAsync(string chatId, string messageId, CancellationToken cancellationToken)
    {
        await using var context = await contextFactory.CreateDbContextAsync(cancellationToken);
        return await context.Jobs.AsNoTracking()
            .Where(j => j.ChatId == chatId && (j.StatusMessageId == messageId || j.RequestMessageId == messageId))
            .OrderByDescending(j => j.Id)
            .Select(j => (long?)j.Id)
            .FirstOrDefaultAsync(cancellationToken);
    }

    private async Task<ChatText> ListJobsAsync(ListJobsCommand command, CancellationToken cancellationToken)
    {
        if (command.Subject is not null && !command.User.IsChatModerator)
        {
            return ModerationService.NotModeratorText;
        }

        var userKey = command.Subject?.Key ?? command.User.Key;
        await using var context = await contextFactory.CreateDbContextAsync(cancellationToken);
        var jobs = await context.Jobs.AsNoTracking()
            .Where(j => j.UserKey == userKey)
            .OrderByDescending(j => j.Id)
            .Take(JobsListed)
            .ToListAsync(cancellationToken);
        var name = command.Subject is null ? null : await moderation.DescribeUserAsync(command.Subject, cancellationToken);
        if (jobs.Count == 0)
        {
            return ChatText.Of(name is null ? "You have no jobs yet. Try /generate " + ExamplePrompt : $"{name} has no jobs.");
        }

        var now = time.GetUtcNow();
        var text = new ChatText().Bold(name is null ? "Your latest jobs" : $"Latest jobs of {name}").Plain("\n");
        foreach (var job in jobs)
        {
            text.Plain($"#{job.Id} · {ChatFormat.State(job.State)} · {StatusText.Duration(now - job.CreatedAt)} ago · ").Italic(ChatFormat.Trim(job.Prompt, 60)).Plain("\n");
        }

        return text;
    }

    private ChatText QuotaSpentText(QuotaUsage usage)
    {
        var now = time.GetUtcNow();
        if (usage.Allowance == 0)
        {
            return ChatText.Of("Your allowance on this bot is 0 videos, so you cannot make videos here. Ask a moderator if you think this is a mistake.");
        }

        var text = new ChatText().Plain($"You have used your {ChatFormat.Adjective(quotaOptions.CurrentValue.Period)} allowance of {ChatFormat.Videos(usage.Allowance)}");
        if (usage.Reserved > 0)
        {
            text.Plain($" ({usage.Reserved} still in progress; any that fail are given back)");
        }

        return text.Plain($". It resets in {StatusText.Duration(usage.ResetsAt - now)}, at {ChatFormat.Time(usage.ResetsAt)}.");
    }

    private async Task<ChatText> QuotaAsync(ChatUser user, CancellationToken cancellationToken)
    {
        await using var context = await contextFactory.CreateDbContextAsync(cancellationToken);
        var usage = await ledger.GetUsageAsync(context, user, cancellationToken);
        var now = time.GetUtcNow();
        var ban = await context.Users.Where(u => u.UserKey == user.Key && u.BannedAt != null).Select(u => new { u.BanReason }).FirstOrDefaultAsync(cancellationToken);
        if (ban is not null)
        {
            return ChatText.Of("You can't make videos on this bot: a moderator banned you."
                + (string.IsNullOrWhiteSpace(ban.BanReason) ? string.Empty : $" Reason: {ban.BanReason}"));
        }

        var text = new ChatText().Bold("Your allowance: ").Plain($"{ChatFormat.Videos(usage.Allowance - usage.Granted)} per {PeriodUnit}");
        text.Plain(usage.Granted > 0 ? $", plus {usage.Granted} extra {ChatFormat.Current(quotaOptions.CurrentValue.Period)}.\n" : ".\n");
        text.Plain($"Received: {usage.Charged} · in progress: {usage.Reserved} · left: {usage.Remaining}\n");
        text.Plain($"Resets at {ChatFormat.Time(usage.ResetsAt)} (in {StatusText.Duration(usage.ResetsAt - now)}).");
        return text;
    }

    private ChatText Help(bool isStart, ChatPlatform platform)
    {
        var quota = quotaOptions.CurrentValue;
        var text = new ChatText();
        if (isStart)
        {
            text.Plain("👋 Hi! ");
        }

        text.Plain("I turn a sentence into a short video.\n\n")
            .Code("/generate <description>").Plain(" makes a video, for example:\n")
            .Code($"/generate {ExamplePrompt}").Plain("\n");
        if (platform == ChatPlatform.Discord)
        {
            text.Plain("The command's options set the orientation (aspect), a seed, a negative prompt (what to leave out) and an image to animate.\n");
        }
        else
        {
            text.Plain("Add options after the description: ").Code("--portrait").Plain(" or ").Code("--landscape").Plain(", ")
                .Code("--seed 42").Plain(", and ").Code("--no blurry, text").Plain(" for what to leave out. ")
                .Plain("To animate a photo, send it with the command as its caption, or reply to it with the command.\n");
        }

        text.Code("/quota").Plain(" shows how many videos you have left\n")
            .Code("/jobs").Plain(" lists your latest jobs\n")
            .Code("/cancel [job]").Plain(" cancels a job that has not finished\n")
            .Code("/help").Plain(" shows this message\n\n")
            .Plain("A video takes a few minutes; my status message shows how far it got and has a Cancel button. ")
            .Plain($"The usual allowance is {ChatFormat.Videos(quota.DefaultAllowance)} per {PeriodUnit} (").Code("/quota").Plain(" shows yours), ")
            .Plain("and a video that fails does not count. A finished video has a Re-roll button: the same request with a new seed.\n\n")
            .Bold("Moderators").Plain(" can also use ");
        return platform == ChatPlatform.Discord
            ? text.Code("/mod").Plain(": quota, ban, unban, jobs, cancel, stats, pause, resume and audit.")
            : text.Code("/quota show|set|grant|reset").Plain(", ").Code("/ban").Plain(", ").Code("/unban").Plain(", ").Code("/jobs <user>").Plain(", ")
                .Code("/cancel <job>").Plain(", ").Code("/stats").Plain(", ").Code("/pause").Plain(", ").Code("/resume").Plain(" and ").Code("/audit").Plain(".");
    }

    private static long NewSeed(long? previous)
    {
        long seed;
        do
        {
            seed = Random.Shared.NextInt64(0, int.MaxValue);
        }
        while (seed == previous);

        return seed;
    }

    private string PeriodUnit => ChatFormat.Unit(quotaOptions.CurrentValue.Period);
}
